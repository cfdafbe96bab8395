/**
 * The planner: inventory + policy + `now` + journal facts in, a plan out. Pure, like the audit;
 * the apply step does the writes and re-checks each action's `expect` first.
 */
import { actionRank } from '../actions/registry.js';
import { findExemption } from '../exemptions.js';
import type { AccessKeyRecord, AccountInventory, UserRecord } from '../model.js';
import { ROOT_USER_NAME } from '../model.js';
import type { Policy } from '../policy/types.js';
import { RULES, RULES_BY_ID, type RuleId } from '../rules/registry.js';
import type { Rule, Violation } from '../rules/types.js';
import { unusedCredentials } from '../rules/unused-credentials.js';
import { buildActions, keysOf, toSkipped, usableId } from './build-actions.js';
import { type FindingContext, planFindings } from './findings.js';
import { actionId, chainId } from './ids.js';
import { closesInactiveRecord, openInactiveRecord } from './key-history.js';
import type { Gate, GatedDecision, UnusedVerdicts } from './lifecycle.js';
import { decideUser } from './lifecycle.js';
import {
  type Action,
  type BlockedItem,
  DEACTIVATION_STAGES,
  type JournalFacts,
  type NoteActiveAction,
  type NotificationChannel,
  type NotifyAction,
  type Plan,
  type SkippedItem,
} from './types.js';
import { sentence } from './wording.js';

const OFF: Gate = { kind: 'off' };
const ON: Gate = { kind: 'on' };
const NO_UNUSED: UnusedVerdicts = { keys: new Map(), password: null };

/**
 * Builds the remediation plan for one account. Users are planned in name order; within a user the
 * actions follow {@link actionRank}. Exempt credentials become `skipped`, users the plan cannot
 * help become `blocked`, root is never touched. A notification already sent (per `facts`) is not
 * planned again.
 */
export function planAccount(
  inventory: AccountInventory,
  policy: Policy,
  now: Date,
  facts: JournalFacts,
): Plan {
  const actions: Action[] = [];
  const blocked: BlockedItem[] = [];
  const skipped: SkippedItem[] = [];
  const users = [...inventory.users].sort((a, b) => compareText(a.userName, b.userName));
  for (const user of users) {
    if (user.userName === ROOT_USER_NAME) continue;
    const userActions: Action[] = [];
    planUser({ inventory, policy, now, facts, user, actions: userActions, blocked, skipped });
    planFindings({
      inventory,
      policy,
      now,
      facts,
      user,
      actions: userActions,
      blocked,
      skipped,
      gate: (rule) => gate(user, rule, policy, inventory, now),
      heldReason: (accessKeyId) => heldReason(facts, inventory.accountId, accessKeyId, now),
    });
    userActions.push(...activeAgainNotes(facts, user));
    userActions.push(...undeliveredNotices(facts, user, userActions));
    userActions.sort((a, b) => actionRank(a) - actionRank(b) || compareText(a.id, b.id));
    actions.push(...userActions);
  }
  // Keywarden never changes root credentials: account-level findings are reported, never planned.
  const root = inventory.root;
  for (const rule of RULES) {
    if (root === null || rule.scope !== 'account') continue;
    const verdict = rule.evaluateRoot(root, policy.rules[rule.id], now);
    if (verdict.kind !== 'evaluated') continue;
    for (const v of verdict.violations) {
      skipped.push({
        accountId: inventory.accountId,
        userName: ROOT_USER_NAME,
        accessKeyId: null,
        credential: v.credential === 'password' ? 'password' : 'access-key',
        rule: rule.id,
        stage: null,
        reason: sentence(`${v.text}; Keywarden never changes root credentials, so fix it by hand`),
      });
    }
  }
  return {
    schemaVersion: 1,
    generatedAt: now.toISOString(),
    mode: policy.remediation.mode,
    actions,
    deferred: [],
    maxActions: null,
    channels: configuredChannels(policy),
    blocked,
    skipped,
  };
}

/**
 * Journal-only notes for keys that are Active while the journal still holds a record of them going
 * inactive: whatever the exemptions and rules say, so the record is closed by the first run that
 * sees the key Active (a person reactivated it, or a deactivation never happened).
 */
function activeAgainNotes(facts: JournalFacts, user: UserRecord): NoteActiveAction[] {
  const notes: NoteActiveAction[] = [];
  for (const key of user.accessKeys) {
    const id = usableId(key);
    if (id === null) continue;
    const history = facts.keyHistory(user.accountId, id);
    const closes = openInactiveRecord(history);
    if (closes === null || !closesInactiveRecord(history, key)) continue;
    const stage = 'active-seen';
    notes.push({
      id: actionId(user.accountId, user.userName, id, 'note-active', stage),
      chainId: chainId(user.accountId, user.userName, id, stage),
      type: 'note-active',
      accountId: user.accountId,
      userName: user.userName,
      stage,
      rule: 'KEY_ROTATION',
      accessKeyId: id,
      closes: closes.toISOString(),
      reason: sentence(
        `Access key ${id} is Active, although the journal recorded it going inactive on ${closes.toISOString()}; ` +
          'that record no longer counts, so a later inactive state gets a whole new grace period',
      ),
    });
  }
  return notes;
}

/**
 * Notices journaled earlier and never delivered (no channel, or every channel failed) are sent
 * until they are delivered once. Warnings and still-in-use notices are not carried over: the
 * lifecycle decides them afresh each run, so an outdated one is never sent.
 */
function undeliveredNotices(
  facts: JournalFacts,
  user: UserRecord,
  planned: readonly Action[],
): NotifyAction[] {
  const ids = new Set(planned.map((a) => a.id));
  // A key Active now was reactivated since: a notice that it was deactivated would be wrong.
  const active = new Set(user.accessKeys.filter((k) => k.status === 'Active').map((k) => usableId(k)));
  const out: NotifyAction[] = [];
  for (const n of facts.pendingNotices(user.accountId)) {
    if (n.userName !== user.userName || ids.has(n.id) || n.stage === 'warn' || n.stage === 'still-in-use')
      continue;
    if (DEACTIVATION_STAGES.has(n.stage) && n.accessKeyId !== null && active.has(n.accessKeyId)) continue;
    ids.add(n.id);
    out.push(n);
  }
  return out;
}

/** The channels a policy's notifications section turns on. */
function configuredChannels(policy: Policy): NotificationChannel[] {
  const n = policy.notifications;
  const channels: NotificationChannel[] = [];
  if (n.sns !== null) channels.push('sns');
  if (n.slack !== null) channels.push('slack');
  if (n.email !== null) channels.push('email');
  return channels;
}

/** What planning one user works on: the finding planner's context, less what it adds. */
type UserContext = Omit<FindingContext, 'gate' | 'heldReason'>;

function planUser(ctx: UserContext): void {
  const { inventory, policy, now, user } = ctx;
  const rotationOn = policy.remediation.mode === 'recommended' && policy.rules.KEY_ROTATION.enabled;
  const unusedOn = policy.rules.UNUSED_CREDENTIALS.enabled;
  const decisions = decideUser({
    user,
    rotation: policy.rotation,
    rotationGate: rotationOn ? gate(user, RULES_BY_ID.KEY_ROTATION, policy, inventory, now) : OFF,
    unusedGate: unusedOn ? gate(user, RULES_BY_ID.UNUSED_CREDENTIALS, policy, inventory, now) : OFF,
    unused: unusedOn ? unusedVerdicts(user, policy, now) : NO_UNUSED,
    keyHistory: (key) => {
      const id = usableId(key);
      return id === null ? [] : ctx.facts.keyHistory(inventory.accountId, id);
    },
    now,
  });

  const planned: GatedDecision[] = [];
  for (const d of decisions) {
    const held = heldKey(ctx, d);
    if (d.exemptReason !== null) ctx.skipped.push(toSkipped(ctx, d, d.exemptReason));
    else if (held !== null) ctx.skipped.push(toSkipped(ctx, d, held));
    else planned.push(d);
  }

  // Every action names its key; a key whose id is unknown makes the user's key changes unsafe.
  const unknown = planned.find((d) => keysOf(d.decision).some((k) => usableId(k) === null));
  if (unknown !== undefined) {
    ctx.blocked.push({
      accountId: inventory.accountId,
      userName: user.userName,
      accessKeyId: null,
      rule: unknown.rule,
      reason:
        'An access key of this user has no known id (its credential report row matches no single ' +
        'ListAccessKeys key), so none of its keys is changed; plan from a live inventory.',
    });
  }
  for (const d of planned) {
    if (unknown !== undefined && d.decision.kind !== 'revoke-password') continue;
    buildActions(ctx, d.decision, d.rule);
  }
}

/**
 * Why a decision must wait for an undo's hold: a key an undo reactivated is not deactivated,
 * revoked or deleted again until the hold ends. Null when the decision may go ahead.
 */
function heldKey(ctx: UserContext, d: GatedDecision): string | null {
  const kind = d.decision.kind;
  if (kind !== 'deactivate' && kind !== 'revoke-key' && kind !== 'delete') return null;
  const id = usableId(d.decision.key);
  return id === null ? null : heldReason(ctx.facts, ctx.inventory.accountId, id, ctx.now);
}

/** Why the key is left alone for now: an undo's hold on it has not ended. Null when it has none. */
function heldReason(facts: JournalFacts, accountId: string, accessKeyId: string, now: Date): string | null {
  const hold = facts.holdOf(accountId, accessKeyId);
  if (hold === null || hold.until.getTime() <= now.getTime()) return null;
  return (
    `Held until ${hold.until.toISOString().slice(0, 10)} by keywarden undo (run ${hold.runId}); ` +
    'exempt the user to keep Keywarden away from it for good'
  );
}

function gate(
  user: UserRecord,
  rule: Pick<Rule<RuleId>, 'id' | 'neverExempt'>,
  policy: Policy,
  inventory: AccountInventory,
  now: Date,
): Gate {
  // Exactly as the audit: an expired exemption protects nothing.
  const match = findExemption(user, rule, policy, inventory, now);
  if (match.kind !== 'exempt') return ON;
  const until = match.until === null ? '' : `, until ${match.until}`;
  return { kind: 'exempt', reason: `exempt: ${match.reason} (${match.source}${until})` };
}

/** The UNUSED_CREDENTIALS rule's own verdicts, so "unused" means the same in the audit and the plan. */
function unusedVerdicts(user: UserRecord, policy: Policy, now: Date): UnusedVerdicts {
  const result = unusedCredentials.evaluateUser(user, policy.rules.UNUSED_CREDENTIALS, now);
  if (result.kind === 'not-applicable' || result.violations.length === 0) return NO_UNUSED;
  const keys = new Map<AccessKeyRecord, Violation>();
  let password: Violation | null = null;
  for (const v of result.violations) {
    if (v.credential === 'password') password = v;
    else if (v.key !== null) keys.set(v.key, v);
  }
  return { keys, password };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
