import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, endOfDayExclusiveMs, isDateOnly } from '../../src/core/days.js';

describe('daysBetween', () => {
  it.each([
    { name: 'same instant', earlier: '2026-11-22T12:00:00Z', now: '2026-11-22T12:00:00Z', days: 0 },
    {
      name: '23:59:59 is still day 0',
      earlier: '2026-11-21T12:00:01Z',
      now: '2026-11-22T12:00:00Z',
      days: 0,
    },
    { name: 'exactly 24h is day 1', earlier: '2026-11-21T12:00:00Z', now: '2026-11-22T12:00:00Z', days: 1 },
    {
      name: 'midnight crossing alone is not a day',
      earlier: '2026-11-21T23:59:00Z',
      now: '2026-11-22T00:01:00Z',
      days: 0,
    },
    { name: 'across a month end', earlier: '2026-10-31T12:00:00Z', now: '2026-11-01T12:00:00Z', days: 1 },
    { name: 'across a leap day', earlier: '2028-02-28T00:00:00Z', now: '2028-03-01T00:00:00Z', days: 2 },
    { name: 'non-leap February', earlier: '2027-02-28T00:00:00Z', now: '2027-03-01T00:00:00Z', days: 1 },
    { name: 'a whole leap year', earlier: '2028-01-01T00:00:00Z', now: '2029-01-01T00:00:00Z', days: 366 },
    {
      name: 'future date (clock skew) is negative',
      earlier: '2026-11-23T12:00:00Z',
      now: '2026-11-22T12:00:00Z',
      days: -1,
    },
  ])('$name', ({ earlier, now, days }) => {
    // Act
    const result = daysBetween(new Date(earlier), new Date(now));
    // Assess
    expect(result).toBe(days);
  });

  it('inverts addDays', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    expect(daysBetween(addDays(now, -90), now)).toBe(90);
  });
});

describe('endOfDayExclusiveMs', () => {
  it.each([
    { value: '2027-06-30', expected: Date.parse('2027-07-01T00:00:00Z') },
    { value: '2028-02-29', expected: Date.parse('2028-03-01T00:00:00Z') },
    { value: '2027-02-29', expected: null },
    { value: '2027-13-01', expected: null },
    { value: '2027-6-30', expected: null },
    { value: 'tomorrow', expected: null },
  ])('$value', ({ value, expected }) => {
    expect(endOfDayExclusiveMs(value)).toBe(expected);
    expect(isDateOnly(value)).toBe(expected !== null);
  });
});
