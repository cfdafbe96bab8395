/**
 * Audits one account: inventory (report or live), the pure evaluation, then, in report mode, key ids
 * for just the users with key findings, and the evaluation once more with them attached.
 */
import { type AccountAudit, evaluateAccount, usersNeedingKeyIds } from '../core/audit.js';
import type { Policy } from '../core/policy.js';
import type { AwsClients } from './clients.js';
import type { FetchReportOptions } from './credential-report.js';
import { collectLiveInventory } from './live-inventory.js';
import { attachAccessKeyIds, collectReportInventory } from './report-inventory.js';

export interface AuditAccountOptions {
  readonly now: Date;
  readonly report?: FetchReportOptions;
  readonly onProgress?: (message: string) => void;
}

export async function auditAccount(
  clients: AwsClients,
  policy: Policy,
  options: AuditAccountOptions,
): Promise<AccountAudit> {
  const common = {
    ssmParameterName: policy.exemptions.ssmParameter?.name ?? null,
    concurrency: policy.inventory.concurrency,
    report: { maxAgeSeconds: policy.inventory.reportMaxAgeSeconds, now: options.now, ...options.report },
    onProgress: options.onProgress,
  };
  if (policy.inventory.mode === 'live') {
    const { inventory, warnings } = await collectLiveInventory(clients, {
      ...common,
      needGroups: policy.exemptions.groups.length > 0,
      needMfa: policy.rules.CONSOLE_WITHOUT_MFA.enabled,
    });
    const audit = evaluateAccount(inventory, policy, options.now);
    return { ...audit, warnings: [...warnings, ...audit.warnings] };
  }
  const { inventory, warnings } = await collectReportInventory(clients, common);
  const reportWarnings = [...warnings];
  const ageSeconds = inventory.reportGeneratedAt
    ? Math.floor((options.now.getTime() - inventory.reportGeneratedAt.getTime()) / 1000)
    : 0;
  if (ageSeconds > policy.inventory.reportMaxAgeSeconds) {
    reportWarnings.push(
      `the credential report is ${formatAge(ageSeconds)} old, older than reportMaxAgeSeconds (${policy.inventory.reportMaxAgeSeconds}); AWS reuses a report for up to 4 hours — use --inventory live for fresher data`,
    );
  }
  const first = evaluateAccount(inventory, policy, options.now);
  const needIds = usersNeedingKeyIds(first);
  if (needIds.length === 0) return { ...first, warnings: [...reportWarnings, ...first.warnings] };
  options.onProgress?.(`looking up access key ids for ${needIds.length} users`);
  const withIds = await attachAccessKeyIds(clients.iam, inventory, needIds, policy.inventory.concurrency);
  const audit = evaluateAccount(withIds, policy, options.now);
  return { ...audit, warnings: [...reportWarnings, ...audit.warnings] };
}

export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return m ? `${h}h ${m}m` : `${h}h`;
}
