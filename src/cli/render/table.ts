import pc from 'picocolors';
import type { AccountStatus, AuditReport, Finding } from '../../core/audit-report.js';
import { isOpen } from '../../core/audit-summary.js';
import { SEVERITIES, SEVERITY_RANK } from '../../core/rules/types.js';
import { DEFAULT_COLUMNS, fitRow } from './fit.js';

export interface TableOptions {
  /** Use ANSI colors; the CLI decides (TTY, NO_COLOR, --no-color). */
  readonly color: boolean;
  /** Lines are fitted to this width (the terminal's); default 100. */
  readonly columns?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

/** Ranks after every severity: a user with nothing open comes last. */
const NO_OPEN_FINDING = SEVERITIES.length;

const ROW_INDENT = '    ';
const CELL_SEPARATOR = '  ';
/** `age 1234d`, `last used 1234d ago`, padded so the notes after them line up. */
const AGE_WIDTH = 10;
const LAST_USED_WIDTH = 18;
const DATES_WIDTH = AGE_WIDTH + CELL_SEPARATOR.length + LAST_USED_WIDTH;

interface UserGroup {
  readonly userName: string;
  readonly findings: Finding[];
  worst: number;
  open: number;
}

/**
 * A human summary for the terminal: findings grouped by account and user, the users who most
 * need attention first, and one totals line at the end.
 */
export function renderTable(report: AuditReport, options: TableOptions): string {
  const c = pc.createColors(options.color);
  const width = options.columns ?? DEFAULT_COLUMNS;
  const byAccount = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const list = byAccount.get(f.accountId);
    if (list === undefined) byAccount.set(f.accountId, [f]);
    else list.push(f);
  }
  const lines: string[] = [];
  if (report.benchmark !== null) {
    const { name, version } = report.benchmark;
    lines.push(...fitRow('', [], c.bold(`Against the ${name} v${version}`), width, { hang: '  ' }), '');
  }
  for (const account of report.accounts) {
    lines.push(...renderAccount(account, byAccount.get(account.accountId) ?? [], c, width), '');
  }
  // The summary breaks only between its parts.
  const parts = summaryParts(report);
  const cells = parts.map((part, i) => (i < parts.length - 1 ? `${part} ·` : part));
  lines.push(...fitRow('', cells, null, width, { separator: ' ', hang: '' }));
  return `${lines.join('\n')}\n`;
}

function renderAccount(
  account: AccountStatus,
  findings: readonly Finding[],
  c: Colors,
  width: number,
): string[] {
  if (account.status === 'error') {
    return fitRow(
      '',
      [],
      `${c.bold(`Account ${account.accountId}`)} ${c.red(`ERROR: ${account.error ?? 'unknown error'}`)}`,
      width,
      { hang: '  ' },
    );
  }
  const inv = account.inventory;
  const source =
    inv === null
      ? ''
      : inv.source === 'live'
        ? ' · live inventory'
        : ` · credential report generated ${inv.reportGeneratedAt ?? 'at an unknown time'}`;
  const lines = fitRow('', [], c.bold(`Account ${account.accountId}`) + c.dim(source), width, { hang: '  ' });
  if (findings.length === 0) return [...lines, c.green('  no findings')];

  const widths = { severity: 0, rule: 0, credential: 0 };
  for (const f of findings) {
    widths.severity = Math.max(widths.severity, f.severity.length);
    widths.rule = Math.max(widths.rule, f.rule.length);
    widths.credential = Math.max(widths.credential, credentialLabel(f).length);
  }
  // One row per finding when the widest fits; else each finding takes two lines, its dates (and
  // note) under the rule column, so every finding of the account reads the same way.
  const dateColumn = ROW_INDENT.length + widths.severity + CELL_SEPARATOR.length;
  const oneLine =
    dateColumn + widths.rule + widths.credential + 2 * CELL_SEPARATOR.length + DATES_WIDTH <= width;
  for (const user of groupUsers(findings)) {
    const open = user.open === 0 ? 'all exempt' : `${user.open} open`;
    lines.push(...fitRow('  ', [c.bold(user.userName), c.dim(`(${open})`)], null, width, { separator: ' ' }));
    for (const f of user.findings) {
      const what = [
        severityLabel(f, widths.severity, c),
        f.rule.padEnd(widths.rule),
        credentialLabel(f).padEnd(widths.credential),
      ];
      const dates = [
        `age ${f.ageDays === null ? '-' : `${f.ageDays}d`}`.padEnd(AGE_WIDTH),
        // No age means no dates at all (a user-level finding, or a root key seen only in live mode).
        `last used ${f.ageDays === null ? '-' : f.lastUsedDaysAgo === null ? 'never' : `${f.lastUsedDaysAgo}d ago`}`.padEnd(
          LAST_USED_WIDTH,
        ),
      ];
      const note = findingNote(f, c);
      if (oneLine) {
        lines.push(...withNote(ROW_INDENT, [...what, ...dates], note, dateColumn, width));
      } else {
        lines.push(...fitRow(ROW_INDENT, what, null, width));
        lines.push(...withNote(' '.repeat(dateColumn), dates, note, dateColumn, width));
      }
    }
  }
  return lines;
}

/**
 * A row and its note: the note ends the row when the whole fits on one line; else it gets lines of
 * its own under the rule column, where it has the most room, continued two columns further in.
 */
function withNote(
  indent: string,
  cells: readonly string[],
  note: string | null,
  noteColumn: number,
  width: number,
): string[] {
  const row = fitRow(indent, cells, note, width);
  if (note === null || row.length === 1) return row;
  const under = ' '.repeat(noteColumn);
  return [...fitRow(indent, cells, null, width), ...fitRow(under, [], note, width, { hang: `${under}  ` })];
}

function groupUsers(findings: readonly Finding[]): UserGroup[] {
  const users = new Map<string, UserGroup>();
  for (const f of findings) {
    let user = users.get(f.userName);
    if (user === undefined) {
      user = { userName: f.userName, findings: [], worst: NO_OPEN_FINDING, open: 0 };
      users.set(f.userName, user);
    }
    user.findings.push(f);
    if (isOpen(f)) {
      user.open++;
      user.worst = Math.min(user.worst, SEVERITY_RANK[f.severity]);
    }
  }
  return [...users.values()].sort(
    (a, b) => a.worst - b.worst || b.open - a.open || (a.userName < b.userName ? -1 : 1),
  );
}

/** What a finding's row ends with: why it is exempt, rotating, or no longer exempt; null for none. */
function findingNote(f: Finding, c: Colors): string | null {
  if (f.exempt) return c.cyan(`EXEMPT (${f.exemptReason ?? 'no reason given'})`);
  if (f.rotationInProgress !== null) {
    const deactivate = f.rotationInProgress.deactivateFrom;
    return c.cyan(
      `ROTATION IN PROGRESS (run ${f.rotationInProgress.runId}` +
        `${deactivate === null ? '' : `, old key deactivated from ${deactivate.slice(0, 10)}`})`,
    );
  }
  if (f.rotationLikely !== null) return c.yellow('ROTATION LIKELY (no journal)');
  return f.exemptionExpired === null
    ? null
    : c.yellow(`exemption expired ${f.exemptionExpired.until} (${f.exemptionExpired.reason})`);
}

function severityLabel(f: Finding, width: number, c: Colors): string {
  const label = f.severity.toUpperCase().padEnd(width);
  if (!isOpen(f)) return c.dim(label);
  switch (f.severity) {
    case 'critical':
    case 'high':
      return c.red(label);
    case 'medium':
      return c.yellow(label);
    case 'low':
      return c.dim(label);
    default:
      return f.severity satisfies never;
  }
}

function credentialLabel(f: Finding): string {
  switch (f.credential) {
    case 'password':
      return 'password';
    case 'user':
      return 'user';
    case 'access-key':
      if (f.accessKeyId !== null) return f.accessKeyId;
      if (f.accessKeyIdAmbiguous) return `key slot ${f.accessKeySlot} (id ambiguous)`;
      // Audited without key ids (--key-ids none): the slot and creation day tell the keys apart.
      return f.accessKeyCreateDate === null
        ? `key slot ${f.accessKeySlot}`
        : `key ${f.accessKeySlot} (created ${f.accessKeyCreateDate.slice(0, 10)})`;
    default:
      return f.credential satisfies never;
  }
}

function summaryParts(report: AuditReport): string[] {
  const s = report.summary;
  const parts = [
    count(s.users, 'user'),
    `${count(s.accessKeys, 'access key')} (${s.activeAccessKeys} active)`,
    `${count(s.findings, 'finding')} (${s.exempt} exempt${s.inProgress > 0 ? `, ${s.inProgress} rotation in progress` : ''})`,
  ];
  if (s.rotationLikely > 0) {
    parts.push(
      `${count(s.rotationLikely, 'open finding')} look${s.rotationLikely === 1 ? 's' : ''} like a rotation in progress; share the journal to confirm`,
    );
  }
  if (s.accountErrors > 0) parts.push(`${count(s.accountErrors, 'account')} failed`);
  const freshness = inventoryFreshness(report);
  if (freshness !== null) parts.push(freshness);
  return parts;
}

/** Names the oldest credential report, since that bounds how stale the whole audit may be. */
function inventoryFreshness(report: AuditReport): string | null {
  let inventories = 0;
  let oldest = Number.POSITIVE_INFINITY;
  for (const account of report.accounts) {
    if (account.inventory === null) continue;
    inventories++;
    const generated = account.inventory.reportGeneratedAt;
    if (generated !== null) oldest = Math.min(oldest, Date.parse(generated));
  }
  if (inventories === 0) return null;
  if (oldest === Number.POSITIVE_INFINITY) return 'live inventory';
  const ageMs = Date.parse(report.evaluatedAt) - oldest;
  return `report generated ${timeAgo(ageMs)}`;
}

/** `just now`, `5m ago`, `2h ago`, `3d ago`: rounded down, never negative. */
function timeAgo(ageMs: number): string {
  const minutes = Math.floor(Math.max(0, ageMs) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.floor(hours / 24)}d ago`;
}

function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
