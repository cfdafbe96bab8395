import { describe, expect, it } from 'vitest';
import { chooseFormat } from '../../src/cli/output-format.js';
import { AUDIT_FORMAT_BY_EXTENSION, AUDIT_FORMATS } from '../../src/cli/render/audit-formats.js';

const choose = (output: string | undefined, format?: string) =>
  chooseFormat({
    format,
    output,
    formats: AUDIT_FORMATS,
    byExtension: AUDIT_FORMAT_BY_EXTENSION,
    fallback: 'table',
  });

describe('chooseFormat by the --output extension', () => {
  it.each([
    ['findings.ocsf.json', 'ocsf'],
    ['out/FINDINGS.OCSF.JSON', 'ocsf'],
    ['report.json', 'json'],
    ['ocsf.json', 'json'],
    ['.ocsf.json', 'json'],
    ['report.jsonl', 'jsonl'],
    ['report.sarif', 'sarif'],
  ])('%s → %s (the longest known extension that ends the name)', (file, format) => {
    expect(choose(file)).toBe(format);
  });

  it.each(['report.txt', '.json', 'x.asff'])(
    'refuses %s without --format, naming the known extensions',
    (file) => {
      expect(() => choose(file)).toThrow(/--output: .*\(it knows \.json, \.ocsf\.json, \.jsonl/);
    },
  );

  it('takes any file name with an explicit --format', () => {
    expect(choose('asff.json', 'asff')).toBe('asff');
  });

  it('falls back without --output', () => {
    expect(choose(undefined)).toBe('table');
  });
});
