import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseFormat } from '../../src/cli/output-format.js';

const FORMATS = ['table', 'json', 'jsonl', 'csv'] as const;
const BY_EXTENSION = { '.json': 'json', '.jsonl': 'jsonl', '.csv': 'csv' } as const;

/** A working directory where the paths below can be written (`out/`, `dir/`). */
const CWD = mkdtempSync(join(tmpdir(), 'kw-output-format-'));
mkdirSync(join(CWD, 'out'));
mkdirSync(join(CWD, 'dir'));

function choose(format: string | undefined, output: string | undefined) {
  return chooseFormat({ format, output }, { cwd: CWD, interactive: true }, FORMATS, BY_EXTENSION);
}

describe('chooseFormat', () => {
  it.each([
    [undefined, undefined, 'table'],
    ['csv', undefined, 'csv'],
    [undefined, 'out/report.JSON', 'json'],
    [undefined, 'findings.jsonl', 'jsonl'],
    ['json', 'report.txt', 'json'],
    ['json', 'forced.csv', 'json'],
    ['table', 'report', 'table'],
    ['json', './json', 'json'],
    ['json', 'dir/json', 'json'],
    ['json', 'json.json', 'json'],
  ] as const)('--format %s --output %s: %s', (format, output, expected) => {
    expect(choose(format, output)).toBe(expected);
  });

  it.each([
    [
      undefined,
      'json',
      /^--output: takes a file path, and "json" is a format's name: did you mean --format json\?$/,
    ],
    ['csv', 'JSON', /did you mean --format json\?$/],
    [undefined, 'sarif', /did you mean --format sarif\?$/],
    [undefined, 'ocsf', /did you mean --format ocsf\?$/],
    [
      undefined,
      'report.txt',
      /^--output: Keywarden does not know the extension "\.txt" \(it knows \.json, \.jsonl, \.csv\); add --format table\|json\|jsonl\|csv to write report\.txt anyway$/,
    ],
    [undefined, 'x.asff', /extension "\.asff"/],
    [undefined, 'report', /^--output: "report" has no extension/],
    ['xml', undefined, /^--format: must be one of table, json, jsonl, csv \(got "xml"\)$/],
  ] as const)('--format %s --output %s is refused', (format, output, message) => {
    expect(() => choose(format, output)).toThrow(message);
  });
});
