import { describe, expect, it } from 'vitest';
import { csvField, renderCsv } from '../../src/cli/render/csv.js';
import { sampleReport } from './render-helpers.js';

const HEADER =
  'accountId,userName,userArn,rule,credential,accessKeyId,severity,ageDays,lastUsedDaysAgo,exempt,exemptReason,message';

describe('csvField', () => {
  it.each([
    { value: 'plain', expected: 'plain' },
    { value: 'a, b', expected: '"a, b"' },
    { value: 'say "hi"', expected: '"say ""hi"""' },
    { value: 'two\nlines', expected: '"two\nlines"' },
    { value: null, expected: '' },
    { value: 0, expected: '0' },
    { value: false, expected: 'false' },
  ])('$value', ({ value, expected }) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('renderCsv', () => {
  it('writes the header and one row per finding', () => {
    // Act
    const lines = renderCsv(sampleReport()).split('\r\n');
    // Assess
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(2 + 3); // header, 3 findings, trailing empty string
    expect(lines.at(-1)).toBe('');
  });

  it('quotes fields with commas and quotes and leaves nulls empty', () => {
    // Prepare
    const report = sampleReport({ message: 'Key is old, really "old".' });
    // Act
    const bob = renderCsv(report)
      .split('\r\n')
      .find((l) => l.includes('AKIABOB') && l.includes('KEY_ROTATION'));
    // Assess
    expect(bob).toBe(
      '123456789012,bob,arn:aws:iam::123456789012:user/bob,KEY_ROTATION,access-key,AKIABOB,medium,200,,true,' +
        '"vendor, ""legacy"" system","Key is old, really ""old""."',
    );
  });
});
