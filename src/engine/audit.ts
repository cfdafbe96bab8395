/**
 * Audits one account: inventory (report or live), the pure evaluation, then, in report mode, key ids
 * for just the users with key findings, and the evaluation once more with them attached.
 */
import { collectInventory } from '../aws/inventory.js';
import { attachAccessKeyIds } from '../aws/report-inventory.js';
import { type AccountAudit, evaluateAccount, staleReportWarning, usersNeedingKeyIds } from '../core/audit.js';
import { type NowBeforeData, nowBeforeData } from '../core/now-check.js';
import type { Policy } from '../core/policy/types.js';
import type { AuditDeps } from './types.js';

/** The account's audit, and whether the clock lies before what the account records. */
export async function auditAccount(
  deps: AuditDeps,
  policy: Policy,
): Promise<AccountAudit & { readonly nowBeforeData: NowBeforeData | null }> {
  const now = deps.clock();
  const { inventory, warnings } = await collectInventory(deps.clients, policy, {
    now,
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    ...(deps.sleep ? { report: { sleep: deps.sleep } } : {}),
  });
  const stale = staleReportWarning(inventory, policy, now);
  const before = stale === null ? warnings : [...warnings, stale];
  let audit = evaluateAccount(inventory, policy, now);
  if (inventory.source === 'credential-report') {
    const needIds = usersNeedingKeyIds(audit);
    if (needIds.length > 0) {
      deps.onProgress?.(`looking up access key ids for ${needIds.length} users`);
      const withIds = await attachAccessKeyIds(
        deps.clients.iam,
        inventory,
        needIds,
        policy.inventory.concurrency,
      );
      audit = evaluateAccount(withIds, policy, now);
    }
  }
  return {
    ...audit,
    warnings: [...before, ...audit.warnings],
    nowBeforeData: nowBeforeData(inventory, now),
  };
}
