import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseFormat } from '../../src/cli/output-format.js';
import { AUDIT_FORMAT_BY_EXTENSION, AUDIT_FORMATS } from '../../src/cli/render/audit-formats.js';

/** A working directory where the paths below can be written (`out/`). */
const CWD = mkdtempSync(join(tmpdir(), 'kw-output-format-'));
mkdirSync(join(CWD, 'out'));

const choose = (output: string | undefined, format?: string, interactive = true) =>
  chooseFormat({ format, output }, { cwd: CWD, interactive }, AUDIT_FORMATS, AUDIT_FORMAT_BY_EXTENSION);

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

  it('falls back without --output: table on a terminal, json otherwise', () => {
    expect(choose(undefined)).toBe('table');
    expect(choose(undefined, undefined, false)).toBe('json');
  });
});
