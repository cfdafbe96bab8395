import { describe, expect, it } from 'vitest';
import { CliError, parseNow } from '../../src/cli/errors.js';

describe('parseNow', () => {
  it.each([
    ['2026-11-22', '2026-11-22T00:00:00.000Z'],
    ['2026-11-22T12:00:00Z', '2026-11-22T12:00:00.000Z'],
    ['2026-11-22T12:00Z', '2026-11-22T12:00:00.000Z'],
    ['2026-11-22T12:00:00.250Z', '2026-11-22T12:00:00.250Z'],
    ['2026-11-22T12:00:00+01:00', '2026-11-22T11:00:00.000Z'],
    ['2026-11-22T12:00:00-0130', '2026-11-22T13:30:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
    ['2026-02-28T23:59:59Z', '2026-02-28T23:59:59.000Z'],
    ['2026-12-31T00:00:00+23:59', '2026-12-30T00:01:00.000Z'],
  ])('accepts %s', (raw, iso) => {
    expect(parseNow(raw).toISOString()).toBe(iso);
  });

  it.each([
    'yesterday',
    '2026-02-30',
    '2026-02-29',
    '2027-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-11-00',
    '2026-11-22T25:00:00Z',
    '2026-11-22T24:00:00Z',
    '2026-11-22T12:60:00Z',
    '2026-11-22T12:00:60Z',
    '2026-11-22T12Z',
    '2026-11-22T12:00:00+24:00',
    '2026-11-22T12:00:00+01:60',
    '2026-11-22 12:00:00Z',
  ])('rejects %s with one line naming --now and the value', (raw) => {
    let error: unknown;
    try {
      parseNow(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toBe(
      `--now: must be an ISO-8601 time such as 2026-11-22T12:00:00Z (got ${JSON.stringify(raw)})`,
    );
  });
});
