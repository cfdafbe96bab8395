/**
 * Audits one account: inventory (report or live), the pure evaluation, then, in report mode, key ids
 * for just the users with key findings, and the evaluation once more with them attached.
 */
import { type AccountAudit, evaluateAccount, usersNeedingKeyIds } from '../core/audit.js';
import type { Policy } from '../core/policy/types.js';
import type { AwsClients } from './clients.js';
import { type CollectOptions, collectInventory } from './inventory.js';
import { attachAccessKeyIds } from './report-inventory.js';

export type AuditAccountOptions = CollectOptions;

export async function auditAccount(
  clients: AwsClients,
  policy: Policy,
  options: AuditAccountOptions,
): Promise<AccountAudit> {
  const { inventory, warnings } = await collectInventory(clients, policy, options);
  const audit = evaluateAccount(inventory, policy, options.now);
  if (inventory.source === 'live') return { ...audit, warnings: [...warnings, ...audit.warnings] };
  const reportWarnings = [...warnings];
  const ageSeconds = inventory.reportGeneratedAt
    ? Math.floor((options.now.getTime() - inventory.reportGeneratedAt.getTime()) / 1000)
    : 0;
  if (ageSeconds > policy.inventory.reportMaxAgeSeconds) {
    reportWarnings.push(
      `the credential report is ${formatAge(ageSeconds)} old, older than reportMaxAgeSeconds (${policy.inventory.reportMaxAgeSeconds}); AWS reuses a report for up to 4 hours — use --inventory live for fresher data`,
    );
  }
  const needIds = usersNeedingKeyIds(audit);
  if (needIds.length === 0) return { ...audit, warnings: [...reportWarnings, ...audit.warnings] };
  options.onProgress?.(`looking up access key ids for ${needIds.length} users`);
  const withIds = await attachAccessKeyIds(clients.iam, inventory, needIds, policy.inventory.concurrency);
  const final = evaluateAccount(withIds, policy, options.now);
  return { ...final, warnings: [...reportWarnings, ...final.warnings] };
}

export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return m ? `${h}h ${m}m` : `${h}h`;
}
