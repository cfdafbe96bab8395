/**
 * `keywarden journal leases` for people: one row per account, times relative to the service's
 * clock (the JSON has them absolute), and for each run that stopped heartbeating, how to release it.
 */
import { formatDuration } from '../../core/days.js';
import type { LeaseView } from '../../engine/lease.js';
import { DEFAULT_COLUMNS, fitRow } from './fit.js';

export interface LeasesTableOptions {
  /** The time the states were judged at. */
  readonly now: Date;
  readonly journal: string;
  /** The command that releases an account's lease. */
  readonly releaseCommand: (accountId: string) => string;
  readonly columns?: number;
}

const STATE_WORDS = { live: 'live', 'stopped-heartbeating': 'stopped', lapsed: 'lapsed' } as const;

export function renderLeases(views: readonly LeaseView[], options: LeasesTableOptions): string {
  const width = options.columns ?? DEFAULT_COLUMNS;
  const at = options.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const heading = `leases in ${options.journal} at ${at} (the service's clock)`;
  if (views.length === 0) return `${heading}: none; no run holds an account\n`;
  const ago = (iso: string) => {
    const seconds = Math.round((options.now.getTime() - Date.parse(iso)) / 1000);
    return seconds >= 0 ? `${formatDuration(seconds)} ago` : `in ${formatDuration(-seconds)}`;
  };
  const rows = views.map((v) => [
    v.lease.accountId,
    STATE_WORDS[v.state],
    v.lease.runId,
    v.lease.command,
    formatDuration(v.ageSeconds),
    ago(v.lease.renewedAt),
    ago(v.lease.until),
  ]);
  const titles = ['ACCOUNT', 'STATE', 'RUN', 'COMMAND', 'AGE', 'LAST HEARTBEAT', 'UNTIL'];
  const widths = titles.map((title, i) => Math.max(title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const row = (cells: readonly string[]) =>
    fitRow(
      '',
      cells.slice(0, -1).map((cell, i) => cell.padEnd(widths[i] ?? 0)),
      cells.at(-1) ?? '',
      width,
    );
  const lines = [heading, ...row(titles), ...rows.flatMap(row)];
  for (const v of views.filter((view) => view.state === 'stopped-heartbeating')) {
    // Not fitted: a command is copied whole.
    lines.push(
      `run ${v.lease.runId} stopped heartbeating (probably dead); release account ${v.lease.accountId} with: ${options.releaseCommand(v.lease.accountId)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
