import pc from 'picocolors';
import type { AccountStatus, AuditReport, Finding } from '../../core/audit-report.js';
import { isOpen } from '../../core/audit-summary.js';
import { SEVERITY_RANK } from '../../core/rules/types.js';
import { DEFAULT_COLUMNS, fitRow } from './fit.js';

export interface TableOptions {
  /** Use ANSI colors; the CLI decides (TTY, NO_COLOR, --no-color). */
  readonly color: boolean;
  /** Lines are fitted to this width (the terminal's); default 100. */
  readonly columns?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

const NO_OPEN_FINDING = 3;

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

  let ruleWidth = 0;
  let credWidth = 0;
  for (const f of findings) {
    ruleWidth = Math.max(ruleWidth, f.rule.length);
    credWidth = Math.max(credWidth, credentialLabel(f).length);
  }
  for (const user of groupUsers(findings)) {
    const open = user.open === 0 ? 'all exempt' : `${user.open} open`;
    lines.push(`  ${c.bold(user.userName)} ${c.dim(`(${open})`)}`);
    for (const f of user.findings) {
      const cells = [
        severityLabel(f, c),
        f.rule.padEnd(ruleWidth),
        credentialLabel(f).padEnd(credWidth),
        `age ${f.ageDays === null ? '-' : `${f.ageDays}d`}`.padEnd(10),
        // No age means no dates at all (a user-level finding, or a root key seen only in live mode).
        `last used ${f.ageDays === null ? '-' : f.lastUsedDaysAgo === null ? 'never' : `${f.lastUsedDaysAgo}d ago`}`.padEnd(
          18,
        ),
      ];
      const note = f.exempt
        ? c.cyan(`EXEMPT (${f.exemptReason ?? 'no reason given'})`)
        : f.rotationInProgress !== null
          ? c.cyan(
              `ROTATION IN PROGRESS (run ${f.rotationInProgress.runId}` +
                `${f.rotationInProgress.deactivateFrom === null ? '' : `, old key deactivated from ${f.rotationInProgress.deactivateFrom.slice(0, 10)}`})`,
            )
          : f.exemptionExpired === null
            ? null
            : c.yellow(`exemption expired ${f.exemptionExpired.until} (${f.exemptionExpired.reason})`);
      lines.push(...fitRow('    ', cells, note, width));
    }
  }
  return lines;
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

function severityLabel(f: Finding, c: Colors): string {
  const label = f.severity.toUpperCase().padEnd(6);
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
