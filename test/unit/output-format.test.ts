import { describe, expect, it } from 'vitest';
import { formatFromOutput } from '../../src/cli/output-format.js';
import { AUDIT_FORMAT_BY_EXTENSION } from '../../src/cli/render/audit-formats.js';

describe('formatFromOutput', () => {
  it.each([
    ['findings.ocsf.json', 'ocsf'],
    ['out/FINDINGS.OCSF.JSON', 'ocsf'],
    ['report.json', 'json'],
    ['ocsf.json', 'json'],
    ['.ocsf.json', 'json'],
    ['report.sarif', 'sarif'],
    ['report.txt', undefined],
    ['.json', undefined],
  ])('%s → %s (the longest known extension that ends the name)', (file, format) => {
    expect(formatFromOutput(file, AUDIT_FORMAT_BY_EXTENSION)).toBe(format);
  });

  it('is undefined without --output', () => {
    expect(formatFromOutput(undefined, AUDIT_FORMAT_BY_EXTENSION)).toBeUndefined();
  });
});
