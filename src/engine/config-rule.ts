/**
 * The AWS Config custom rule's use case: judge the users the event names with the audit's own rules
 * and exemptions, and deliver one evaluation per user. A scheduled notification audits the whole
 * account (so results of users fixed since are cleared); a change notification reads that one user
 * live; a deleted or out-of-scope resource is NOT_APPLICABLE without a read.
 */
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { deliverEvaluations } from '../aws/config-evaluations.js';
import { collectInventory } from '../aws/inventory.js';
import { findUserNameById } from '../aws/user-by-id.js';
import { evaluateAccount } from '../core/audit-account.js';
import {
  type ConfigEvaluation,
  changedUserEvaluation,
  configEvaluations,
  notApplicable,
} from '../core/config-rule.js';
import {
  type ChangedResource,
  type ConfigRuleTrigger,
  IAM_USER_RESOURCE_TYPE,
} from '../core/config-rule-event.js';
import { factsFromJournal } from '../core/journal/views.js';
import { NO_JOURNAL_FACTS } from '../core/plan/facts.js';
import { changedUserPolicy } from '../core/policy/inventory-mode.js';
import type { Policy } from '../core/policy/types.js';
import type { RuleId } from '../core/rules/registry.js';
import type { Journal } from '../journal/journal.js';
import { auditAccount } from './audit.js';
import type { AuditDeps } from './types.js';

export interface ConfigRuleDeps extends AuditDeps {
  readonly config: ConfigServiceClient;
  /** Keywarden's journal, read only, so a rotation in progress is judged as `keywarden audit` judges it. */
  readonly journal?: Journal;
  /** Waits before FailedEvaluations are sent again; default a real timer. */
  readonly retrySleep?: (ms: number) => Promise<void>;
}

export interface ConfigRuleRequest {
  readonly trigger: ConfigRuleTrigger;
  readonly resultToken: string;
  readonly testMode: boolean;
  /** The one Keywarden rule judged; null: every enabled rule. */
  readonly rule: RuleId | null;
}

export interface ConfigRuleResult {
  /** Every evaluation delivered (or attempted), in order. */
  readonly evaluations: readonly ConfigEvaluation[];
  /** PutEvaluations calls, retries included. */
  readonly calls: number;
  /** Evaluations AWS Config still refused after the retries. */
  readonly failed: readonly ConfigEvaluation[];
  readonly warnings: readonly string[];
}

export async function evaluateConfigRule(
  deps: ConfigRuleDeps,
  policy: Policy,
  request: ConfigRuleRequest,
): Promise<ConfigRuleResult> {
  const { evaluations, warnings } = await judge(deps, policy, request);
  const delivery = await deliverEvaluations(deps.config, evaluations, {
    resultToken: request.resultToken,
    testMode: request.testMode,
    ...(deps.retrySleep ? { sleep: deps.retrySleep } : {}),
  });
  return { evaluations, calls: delivery.calls, failed: delivery.failed, warnings };
}

async function judge(
  deps: ConfigRuleDeps,
  policy: Policy,
  request: ConfigRuleRequest,
): Promise<{ readonly evaluations: ConfigEvaluation[]; readonly warnings: readonly string[] }> {
  const trigger = request.trigger;
  switch (trigger.kind) {
    case 'scheduled': {
      const audit = await auditAccount(deps, policy);
      return {
        evaluations: configEvaluations(audit.evaluations, request.rule, trigger.notifiedAt),
        warnings: audit.warnings,
      };
    }
    case 'change': {
      if (trigger.gone) {
        return { evaluations: [notApplicable(trigger.resource, trigger.goneReason ?? 'gone')], warnings: [] };
      }
      return judgeOneUser(deps, policy, request.rule, trigger.resource);
    }
    default:
      return trigger satisfies never;
  }
}

/** Reads the one changed user live (by name, or by id when the item has no name) and judges it. */
async function judgeOneUser(
  deps: ConfigRuleDeps,
  policy: Policy,
  rule: RuleId | null,
  resource: ChangedResource,
): Promise<{ readonly evaluations: ConfigEvaluation[]; readonly warnings: readonly string[] }> {
  if (resource.resourceType !== IAM_USER_RESOURCE_TYPE) {
    return { evaluations: [changedUserEvaluation(resource, [], rule, null)], warnings: [] };
  }
  const now = deps.clock();
  const userName = resource.resourceName ?? (await findUserNameById(deps.clients.iam, resource.resourceId));
  if (userName === null) {
    return { evaluations: [changedUserEvaluation(resource, [], rule, null)], warnings: [] };
  }
  const live = changedUserPolicy(policy);
  const warnings: string[] = [];
  let facts = NO_JOURNAL_FACTS;
  if (deps.journal !== undefined) {
    try {
      const read = await deps.journal.read();
      warnings.push(...read.warnings);
      facts = factsFromJournal(read.records);
    } catch (error) {
      // As the audit does: every credential is still judged; only Keywarden's rotations are not recognized.
      warnings.push(
        `${error instanceof Error ? error.message : String(error)}; rotations in progress are not recognized`,
      );
    }
  }
  const { inventory, warnings: read } = await collectInventory(deps.clients, live, {
    now,
    userNames: [userName],
  });
  warnings.push(...read);
  const audit = evaluateAccount(inventory, live, now, {
    rotationsInProgress: facts.rotationsInProgress(inventory.accountId),
  });
  const user = inventory.users.find((u) => u.userName.toLowerCase() === userName.toLowerCase()) ?? null;
  return {
    evaluations: [changedUserEvaluation(resource, audit.evaluations, rule, user)],
    warnings: [...warnings, ...audit.warnings],
  };
}
