/**
 * Audits one account: the inventory (report or live) and the pure evaluation. In report mode the
 * inventory reads, user by user while the details pages are still arriving, what the verdicts and
 * findings need beyond the credential report: the key ids of users with key findings (unless the
 * policy's `inventory.keyIds` is `none`) and the login profiles whose creation time decides a verdict.
 */
import { collectInventory } from '../aws/inventory.js';
import { type AuditContext, evaluateAccount } from '../core/audit-account.js';
import type { AccountAudit } from '../core/audit-report.js';
import { factsFromJournal } from '../core/journal/views.js';
import { type NowBeforeData, nowBeforeData } from '../core/now-check.js';
import { NO_JOURNAL_FACTS } from '../core/plan/facts.js';
import type { Policy } from '../core/policy/types.js';
import { staleReportWarning } from '../core/report-age.js';
import { keyIdLookup, loginProfileLookup } from '../core/report-lookups.js';
import type { Journal } from '../journal/journal.js';
import type { PlannedAccount } from './plan.js';
import type { AuditDeps } from './types.js';

/** The account's audit, and whether the clock lies before what the account records. */
export async function auditAccount(
  deps: AuditDeps & {
    /** Where Keywarden's own rotations in progress are read from; absent: none are known. */
    readonly journal?: Journal;
  },
  policy: Policy,
): Promise<AccountAudit & { readonly nowBeforeData: NowBeforeData | null }> {
  const now = deps.clock();
  const journalWarnings: string[] = [];
  let facts = NO_JOURNAL_FACTS;
  // Nothing at the journal's location (a CI runner's fresh state directory): rotations are guessed.
  let absent = false;
  if (deps.journal !== undefined) {
    try {
      const read = await deps.journal.read();
      absent = read.absent === true;
      facts = factsFromJournal(read.records);
      journalWarnings.push(...read.warnings);
    } catch (error) {
      // The audit still judges every credential; it only cannot tell Keywarden's rotations apart.
      journalWarnings.push(
        `${error instanceof Error ? error.message : String(error)}; rotations in progress are not recognized`,
      );
    }
  }
  const { inventory, warnings } = await collectInventory(deps.clients, policy, {
    now,
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    ...(deps.sleep ? { report: { sleep: deps.sleep } } : {}),
    lookups: {
      keyIds: keyIdLookup(policy, now, policy.inventory.keyIds, (account) =>
        facts.rotationsInProgress(account),
      ),
      loginProfile: loginProfileLookup(policy, now, 'verdicts'),
    },
  });
  const stale = staleReportWarning(inventory, policy, now);
  const before = [...journalWarnings, ...warnings, ...(stale === null ? [] : [stale])];
  const context: AuditContext = {
    rotationsInProgress: facts.rotationsInProgress(inventory.accountId),
    journal: absent ? 'absent' : 'read',
  };
  const audit = evaluateAccount(inventory, policy, now, context);
  const guessed =
    deps.journal !== undefined && audit.findings.some((f) => f.rotationLikely !== null)
      ? [noJournalWarning(deps.journal.location)]
      : [];
  return {
    ...audit,
    warnings: [...before, ...guessed, ...audit.warnings],
    nowBeforeData: nowBeforeData(inventory, now),
  };
}

/**
 * Said once per run (it starts with the journal's location, as the journal's own warnings do): the
 * audit guessed rotations because the journal it would confirm them from is not there.
 */
function noJournalWarning(location: string): string {
  return (
    `${location}: no journal here, so Keywarden's rotations in progress cannot be confirmed; findings that ` +
    'look like one are marked rotationLikely and still count as open: run with the journal Keywarden ' +
    'remediates with (--journal dynamodb://TABLE or KEYWARDEN_JOURNAL) to confirm them'
  );
}

/**
 * The audit of the account as a plan found it: the same evaluation as {@link auditAccount}, of the
 * inventory and journal the plan was made from, so a run that remediates reports what it found
 * without reading the account twice (the scheduled handler and the organization worker).
 */
export function auditPlannedAccount(planned: PlannedAccount, policy: Policy): AccountAudit {
  const { inventory, now } = planned;
  const audit = evaluateAccount(inventory, policy, now, {
    rotationsInProgress: planned.facts.rotationsInProgress(inventory.accountId),
  });
  return { ...audit, warnings: [...planned.warnings, ...audit.warnings] };
}
