/**
 * Remediation of a rule's findings, one action each: for a rule whose `remediation` is
 * `eachFinding(action)` (src/core/actions/remediation.ts), each finding of an enabled, non-exempt
 * rule becomes that action, its fields given by the action's `remedy`, then a notice to the owner.
 * In `recommended` mode only: `runbook` does what the AWS runbook does and nothing more. A
 * credential another action of the plan already acts on (the lifecycle's) is left to it. Pure.
 */
import type { Finding, RemedyDefinition } from '../actions/action.js';
import { actionAccessKeyId, buildAction, remedyHappened } from '../actions/registry.js';
import type { AccountInventory, UserRecord } from '../model.js';
import type { Policy } from '../policy/types.js';
import { type RemediationRule, RULES, remediates } from '../rules/registry.js';
import type { RuleRemediation, RuleSettings, UserRule, Violation } from '../rules/types.js';
import { usableId } from './build-actions.js';
import { actionId, chainId } from './ids.js';
import type { Gate } from './lifecycle.js';
import type { Action, ActionType, BlockedItem, JournalFacts, SkippedItem } from './types.js';
import { sentence } from './wording.js';

const STAGE = 'remediate';

/** A rule that remediates each finding with one action. */
interface FindingRule {
  readonly rule: UserRule;
  readonly id: RemediationRule;
  readonly settings: RuleSettings<UserRule['params']>;
  readonly action: RemedyDefinition;
  readonly ownerAction: string;
}

/** The rules that remediate each finding and may act under this policy. */
function activeRules(policy: Policy): FindingRule[] {
  if (policy.remediation.mode !== 'recommended') return [];
  const out: FindingRule[] = [];
  for (const rule of RULES) {
    if (!remediates(rule) || rule.scope !== 'user') continue;
    const remediation = remediationOf(rule);
    const settings = policy.rules[rule.id] as RuleSettings<UserRule['params']>;
    if (remediation?.kind !== 'each-finding' || !settings.enabled) continue;
    const { action, ownerAction } = remediation;
    out.push({ rule: rule as UserRule, id: rule.id, settings, action, ownerAction });
  }
  return out;
}

/** Any rule's remediation, whichever kinds the registry's rules use today. */
function remediationOf(rule: { readonly remediation: RuleRemediation | null }): RuleRemediation | null {
  return rule.remediation;
}

export interface FindingContext {
  readonly inventory: AccountInventory;
  readonly policy: Policy;
  readonly now: Date;
  readonly facts: JournalFacts;
  readonly user: UserRecord;
  /** The user's actions planned so far; the findings' actions are added to it. */
  readonly actions: Action[];
  readonly blocked: BlockedItem[];
  readonly skipped: SkippedItem[];
  /** Whether the rule may act on the user: exactly the lifecycle's gate. */
  gate(rule: { readonly id: RemediationRule; readonly neverExempt: boolean }): Gate;
  /** Why the key must be left alone for now (an undo's hold); null when it may be changed. */
  heldReason(accessKeyId: string): string | null;
}

/** Plans the remediation of each finding of the rules that remediate that way. */
export function planFindings(ctx: FindingContext): void {
  const { policy, user, now } = ctx;
  for (const rule of activeRules(policy)) {
    const verdict = rule.rule.evaluateUser(user, rule.settings, now);
    if (verdict.kind !== 'evaluated') continue;
    const gate = ctx.gate({ id: rule.id, neverExempt: rule.rule.neverExempt });
    for (const v of verdict.violations) {
      if (gate.kind === 'exempt') ctx.skipped.push(skippedItem(ctx, rule, v, gate.reason));
      else if (gate.kind === 'on') planFinding(ctx, rule, v);
    }
  }
}

function planFinding(ctx: FindingContext, rule: FindingRule, v: Violation): void {
  const { user } = ctx;
  const { action: definition, ownerAction } = rule;
  // buildAction checks that the type names a registered action.
  const type = definition.type as ActionType;
  const finding: Finding = { user, credential: v.credential, key: v.key };
  const planned = definition.remedy.plan(finding);
  if ('blocked' in planned) {
    ctx.blocked.push({
      accountId: user.accountId,
      userName: user.userName,
      accessKeyId: v.key === null ? null : usableId(v.key),
      rule: rule.id,
      reason: sentence(`${v.text}, but ${planned.blocked}`),
    });
    return;
  }
  const action = buildAction({
    ...planned.fields,
    id: actionId(user.accountId, user.userName, planned.subject, type, STAGE),
    chainId: chainId(user.accountId, user.userName, planned.subject, STAGE),
    type,
    accountId: user.accountId,
    userName: user.userName,
    stage: STAGE,
    rule: rule.id,
    reason: sentence(`${v.text}; ${rule.id} remediates it with ${type}`),
  });
  const accessKeyId = actionAccessKeyId(action);
  const held = accessKeyId === null ? null : ctx.heldReason(accessKeyId);
  if (held !== null) {
    ctx.skipped.push(skippedItem(ctx, rule, v, held));
    return;
  }
  if (ctx.actions.some((a) => a.type !== 'notify' && subjectOf(a) === planned.subject)) return;
  ctx.actions.push(action);
  const noticeId = actionId(user.accountId, user.userName, planned.subject, 'notify', STAGE);
  if (ctx.facts.notified(noticeId)) return;
  ctx.actions.push({
    id: noticeId,
    chainId: action.chainId,
    type: 'notify',
    accountId: user.accountId,
    userName: user.userName,
    stage: STAGE,
    rule: rule.id,
    accessKeyId,
    recipient: user.tags[ctx.policy.remediation.ownerTag]?.trim() || null,
    reason: sentence(`${remedyHappened(action)} (${rule.rule.title})`),
    happened: sentence(`${remedyHappened(action)} because: ${v.text}`),
    ownerAction: sentence(ownerAction),
    dueDate: null,
    secretName: null,
  });
}

/** What an action is about: the third part of its id (`<account>/<user>/<subject>/<type>/<stage>`). */
function subjectOf(action: Action): string {
  return action.id.split('/')[2] ?? '';
}

function skippedItem(ctx: FindingContext, rule: FindingRule, v: Violation, reason: string): SkippedItem {
  return {
    accountId: ctx.user.accountId,
    userName: ctx.user.userName,
    accessKeyId: v.key === null ? null : usableId(v.key),
    credential: v.credential === 'password' ? 'password' : 'access-key',
    rule: rule.id,
    stage: STAGE,
    reason: sentence(reason),
  };
}

/**
 * Report mode: which users' keys a plan looks up by id for these rules (a finding about a key
 * names the key its action changes). Users whose keys all have ids (or cannot have one) are not.
 */
export function findingKeyIdLookup(policy: Policy, now: Date): (user: UserRecord) => boolean {
  const rules = activeRules(policy);
  return (user) => {
    if (rules.length === 0) return false;
    if (!user.accessKeys.some((k) => k.accessKeyId === null && !k.idAmbiguous)) return false;
    return rules.some((rule) => {
      const verdict = rule.rule.evaluateUser(user, rule.settings, now);
      return verdict.kind === 'evaluated' && verdict.violations.some((v) => v.key?.accessKeyId === null);
    });
  };
}
