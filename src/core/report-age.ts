/** The age of the credential report an inventory was read from, against the policy's maximum. */
import { formatDuration } from './days.js';
import type { AccountInventory } from './model.js';
import type { Policy } from './policy/types.js';

/**
 * The warning for a credential report older than the policy allows: AWS reuses a report for up to
 * 4 hours, so an audit or plan may judge data that old. Null when fresh or in live mode.
 */
export function staleReportWarning(inventory: AccountInventory, policy: Policy, now: Date): string | null {
  if (inventory.reportGeneratedAt === null) return null;
  const ageSeconds = Math.floor((now.getTime() - inventory.reportGeneratedAt.getTime()) / 1000);
  const max = policy.inventory.reportMaxAgeSeconds;
  if (ageSeconds <= max) return null;
  return (
    `the credential report is ${formatDuration(ageSeconds)} old, older than reportMaxAgeSeconds (${max}); ` +
    'AWS reuses a report for up to 4 hours — use --inventory live for fresher data'
  );
}
