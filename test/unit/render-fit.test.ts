import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { fitRow } from '../../src/cli/render/fit.js';
import { stripAnsi, visibleWidth } from '../support/terminal.js';

const c = pc.createColors(true);

describe('fitRow', () => {
  it('keeps a row that fits on one line, padding trimmed at the end', () => {
    expect(fitRow('  ', ['done    ', 'create-key'], 'app AKIA1', 40)).toEqual([
      '  done      create-key  app AKIA1',
    ]);
  });

  it.each([
    // width: the row is exactly 20 wide, or one column short
    { width: 20, lines: ['  aaaa  bbbb  cc dd'] },
    { width: 18, lines: ['  aaaa  bbbb  cc', '    dd'] },
  ])('breaks free text between words at width $width', ({ width, lines }) => {
    expect(fitRow('  ', ['aaaa', 'bbbb'], 'cc dd', width, { hang: '    ' })).toEqual(lines);
  });

  it('moves a whole cell to the next line rather than splitting it', () => {
    const lines = fitRow('    ', ['MEDIUM', 'KEY_ROTATION', 'last used 100d ago'], null, 30, {
      hang: '      ',
    });
    expect(lines).toEqual(['    MEDIUM  KEY_ROTATION', '      last used 100d ago']);
  });

  it('continues free text under its own column when that leaves room, else under the indent', () => {
    const text = 'one two three four five six seven eight nine ten eleven twelve';
    const wide = fitRow('  ', ['cell'], text, 60);
    expect(wide[1]?.startsWith(' '.repeat(8))).toBe(true);
    const narrow = fitRow(' '.repeat(40), ['cell'], text, 60);
    expect(narrow[1]).toMatch(/^ {42}\S/);
  });

  it('never makes a line wider than the width, colors not counted', () => {
    const lines = fitRow(
      '  ',
      [c.red('HIGH  '), c.bold('ROOT_ACCESS_KEY')],
      c.dim('a b c d e f g h i j k l m n o p'),
      24,
    );
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(24);
    expect(stripAnsi(lines.join(' ')).replace(/\s+/g, ' ').trim()).toBe(
      'HIGH ROOT_ACCESS_KEY a b c d e f g h i j k l m n o p',
    );
  });

  it('cuts only a word wider than a whole line', () => {
    const lines = fitRow('', [], `short ${'x'.repeat(25)} end`, 10, { hang: '' });
    expect(lines).toEqual(['short', 'xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxx end']);
  });

  it('separates cells as asked', () => {
    expect(
      fitRow('', ['2 users ·', '3 keys ·', 'report 2h ago'], null, 20, { separator: ' ', hang: '' }),
    ).toEqual(['2 users · 3 keys ·', 'report 2h ago']);
  });

  it('renders line breaks inside a value as spaces', () => {
    expect(fitRow('', ['EXEMPT'], 'approved\nby the CISO\r\n  until March', 80)).toEqual([
      'EXEMPT  approved by the CISO until March',
    ]);
  });
});

describe('a cell with line breaks or tabs', () => {
  it.each([
    ['a\nb', 'a b'],
    ['a \r\n b', 'a b'],
    ['a\tb', 'a b'],
    ['plain', 'plain'],
  ])('%j is one line', (text, expected) => {
    // A cell is kept whole, so what it shows is exactly the value made one line.
    expect(fitRow('', [text], null, 80)).toEqual([expected]);
  });
});
