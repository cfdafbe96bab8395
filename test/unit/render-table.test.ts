import { describe, expect, it } from 'vitest';
import { renderTable, timeAgo } from '../../src/cli/render/table.js';
import { sampleReport } from './render-helpers.js';

describe('renderTable', () => {
  it('ends with the summary line', () => {
    // Act
    const lines = renderTable(sampleReport(), { color: false }).trimEnd().split('\n');
    // Assess
    expect(lines.at(-1)).toBe(
      '2 users · 2 access keys (2 active) · 3 findings (2 exempt) · 1 account failed · report generated 2h ago',
    );
  });

  it('marks exempt findings with their reason', () => {
    const text = renderTable(sampleReport(), { color: false });
    const bob = text.split('\n').find((l) => l.includes('AKIABOB'));
    expect(bob).toContain('EXEMPT (vendor, "legacy" system)');
  });

  it('lists users with open findings before fully exempt ones', () => {
    const text = renderTable(sampleReport(), { color: false });
    expect(text.indexOf('  alice')).toBeLessThan(text.indexOf('  bob'));
  });

  it('shows failed accounts', () => {
    const text = renderTable(sampleReport(), { color: false });
    expect(text).toContain(
      'Account 999999999999 ERROR: AccessDenied: not authorized to perform sts:AssumeRole',
    );
  });

  it.each([
    { color: false, ansi: false },
    { color: true, ansi: true },
  ])('uses ANSI colors only when asked (color: $color)', ({ color, ansi }) => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
    expect(/\u001b\[/.test(renderTable(sampleReport(), { color }))).toBe(ansi);
  });
});

describe('timeAgo', () => {
  it.each([
    { ms: -5_000, text: 'just now' },
    { ms: 59_999, text: 'just now' },
    { ms: 5 * 60_000, text: '5m ago' },
    { ms: 2 * 3_600_000, text: '2h ago' },
    { ms: 72 * 3_600_000, text: '3d ago' },
  ])('$ms ms', ({ ms, text }) => {
    expect(timeAgo(ms)).toBe(text);
  });
});
