/**
 * The journal for people: a header, then one row per action in time order under a heading for its
 * run (a run works in one account, so the heading names it and rows name the user).
 */
import type { HistoryRow } from '../../core/journal/views.js';
import { DEFAULT_COLUMNS, fitRow } from './fit.js';

const TIME_WIDTH = '2026-11-22T12:00:00Z'.length;

export function renderHistory(
  rows: readonly HistoryRow[],
  options: { readonly columns?: number } = {},
): string {
  const width = options.columns ?? DEFAULT_COLUMNS;
  if (rows.length === 0) return 'no journal entries\n';
  const widest = (title: string, value: (r: HistoryRow) => string) =>
    Math.max(title.length, ...rows.map((r) => value(r).length));
  const widths = [
    TIME_WIDTH,
    widest('STATUS', (r) => r.status),
    widest('ACTION', (r) => r.type),
    widest('USER', (r) => r.userName),
  ];
  const row = (cells: readonly string[], text: string) =>
    fitRow(
      '  ',
      cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)),
      text,
      width,
    );
  const lines = row(['TIME', 'STATUS', 'ACTION', 'USER'], 'KEY');
  rows.forEach((r, i) => {
    // A heading whenever the run changes: runs that overlap in time show theirs again.
    if (r.runId !== rows[i - 1]?.runId) {
      const accounts = new Set<string>();
      for (let j = i; j < rows.length && rows[j]?.runId === r.runId; j++)
        accounts.add(rows[j]?.accountId ?? '');
      lines.push(
        ...fitRow('', [], `run ${r.runId} (${r.command}) · account ${[...accounts].join(', ')}`, width),
      );
    }
    const key = `${r.accessKeyId ?? (r.type === 'notify' ? '' : 'console password')}${r.newAccessKeyId ? ` → ${r.newAccessKeyId}` : ''}`;
    lines.push(
      ...row(
        [r.at.replace(/\.\d{3}Z$/, 'Z'), r.status, r.type, r.userName],
        `${key}${r.reason ? ` (${r.reason})` : ''}`,
      ),
    );
  });
  return `${lines.join('\n')}\n`;
}
