/**
 * Turns the lifecycle's decisions for one user into plan actions: ids, chains, texts, the
 * expectations the apply step re-checks, and the owner's notification (sent once, per the journal).
 */
import type { AccessKeyRecord, UserRecord } from '../model.js';
import type { Policy } from '../policy/types.js';
import { plural } from '../rules/shared.js';
import type { Violation } from '../rules/types.js';
import { actionId, chainId, PASSWORD_SUBJECT, secretNameFor } from './ids.js';
import type { Decision, GatedDecision } from './lifecycle.js';
import type {
  Action,
  BlockedItem,
  JournalFacts,
  NotifyAction,
  RemediationRule,
  SkippedItem,
  Stage,
} from './types.js';

/** Where one user's actions go, and what the builder needs to word them. */
export interface BuildContext {
  readonly policy: Policy;
  readonly facts: JournalFacts;
  readonly user: UserRecord;
  readonly actions: Action[];
  readonly blocked: BlockedItem[];
}

export function buildActions(ctx: BuildContext, d: Decision, rule: RemediationRule): void {
  const { policy, user } = ctx;
  const r = policy.rotation;
  const stage = stageOf(d);
  switch (d.kind) {
    case 'warn': {
      const id = keyId(d.key);
      notify(ctx, id, stage, rule, {
        reason: `Access key ${id} is ${plural(d.ageDays, 'day')} old; it is rotated at ${r.rotateAfterDays} days`,
        happened: `Access key ${id} will be replaced on ${day(d.rotateOn)}: a new key is then created and stored in Secrets Manager`,
        ownerAction: `Be ready to switch your applications to the new key from ${day(d.rotateOn)}; you will be told where to fetch it`,
        dueDate: d.rotateOn,
        secretName: null,
      });
      return;
    }
    case 'rotate': {
      const id = keyId(d.key);
      const secretName = secretNameFor(policy.remediation.secretNamePrefix, user.accountId, user.userName);
      if (secretName === null) {
        blockWithNotice(ctx, d.key, rule, {
          reason:
            `Access key ${id} is ${plural(d.ageDays, 'day')} old (rotate after ${r.rotateAfterDays}) but the user name ` +
            `${JSON.stringify(user.userName)} has a character Secrets Manager does not allow in a secret name, so the new key cannot be stored`,
          ownerAction: `Create a new key by hand, switch to it and delete ${id}, or ask the security team to`,
        });
        return;
      }
      const chain = chainId(user.accountId, user.userName, id, stage);
      const base = {
        chainId: chain,
        accountId: user.accountId,
        userName: user.userName,
        stage,
        rule,
      } as const;
      if (d.spare !== null) {
        const spareId = keyId(d.spare);
        ctx.actions.push({
          ...base,
          id: actionId(user.accountId, user.userName, spareId, 'delete-key', stage),
          type: 'delete-key',
          accessKeyId: spareId,
          reason: `Inactive access key ${spareId} fills the user's second key slot; it is deleted to make room for the replacement of ${id}.`,
          expect: { status: 'Inactive', lastUsedDate: iso(d.spare.lastUsedDate) },
        });
      }
      const createId = actionId(user.accountId, user.userName, id, 'create-key', stage);
      ctx.actions.push({
        ...base,
        id: createId,
        type: 'create-key',
        replacesAccessKeyId: id,
        secretName,
        reason:
          r.rotateAfterDays === 0
            ? `Access key ${id} is rotated now, as asked (keywarden rotate), and has no replacement yet.`
            : `Access key ${id} is ${plural(d.ageDays, 'day')} old (rotate after ${r.rotateAfterDays}) and has no replacement yet.`,
        expect: { status: 'Active', lastUsedDate: iso(d.key.lastUsedDate), accessKeyCount: 1 },
        deactivateFrom: d.deactivateFrom.toISOString(),
        recipient: ownerOf(ctx),
      });
      const notice = noticeOf(ctx, id, stage, rule, {
        reason: `A replacement for access key ${id} was created`,
        happened: `A new access key replacing ${id} was created and stored in Secrets Manager secret ${secretName}`,
        ownerAction:
          `Fetch the new key from ${secretName}, switch your applications to it and stop using ${id}; ` +
          `${id} is deactivated from ${day(d.deactivateFrom)} once it has not been used for ${plural(r.inUseGraceDays, 'day')}`,
        dueDate: d.deactivateFrom,
        secretName,
      });
      ctx.actions.push({
        ...base,
        id: actionId(user.accountId, user.userName, id, 'store-secret', stage),
        type: 'store-secret',
        replacesAccessKeyId: id,
        createKeyActionId: createId,
        secretName,
        reason: `Stores the replacement for ${id} in Secrets Manager secret ${secretName} for the owner to fetch.`,
        notice,
      });
      if (notice !== null) ctx.actions.push(notice);
      return;
    }
    case 'blocked': {
      const id = keyId(d.key);
      const other = keyId(d.other);
      blockWithNotice(ctx, d.key, rule, {
        reason:
          `Access key ${id} is due for rotation (rotate after ${r.rotateAfterDays} days) but the user already has ` +
          `two access keys and ${other} is active, so no replacement can be created`,
        ownerAction: `Stop using ${other} and deactivate or delete it, or ask the security team to, so ${id} can be rotated`,
      });
      return;
    }
    case 'deactivate': {
      const id = keyId(d.key);
      const replacement = keyId(d.replacement);
      const used =
        d.lastUsedDaysAgo === null
          ? 'has never been used'
          : `was last used ${plural(d.lastUsedDaysAgo, 'day')} ago`;
      pushKeyAction(ctx, d.key, stage, rule, {
        type: 'deactivate-key',
        reason: d.forced
          ? `Access key ${id} is ${plural(d.ageDays, 'day')} old (force deactivation after ${r.forceDeactivateAfterDays}) and ` +
            `${used}; it is deactivated although still in use`
          : `Access key ${id} is ${plural(d.ageDays, 'day')} old (deactivate after ${r.deactivateAfterDays}), its replacement ` +
            `${replacement} exists and it ${used} (grace ${plural(r.inUseGraceDays, 'day')})`,
        expect: {
          status: 'Active',
          lastUsedDate: iso(d.key.lastUsedDate),
          replacementAccessKeyId: replacement,
        },
      });
      notify(ctx, id, stage, rule, {
        reason: `Access key ${id} was deactivated`,
        happened: d.forced
          ? `Access key ${id} was deactivated although it was still in use (it ${used}); ${replacement} replaces it`
          : `Access key ${id} was deactivated; ${replacement} replaces it`,
        ownerAction: d.forced
          ? `Switch your applications to ${replacement} now; until ${day(d.deleteFrom)} the security team can reactivate ${id}`
          : `Nothing if your applications use ${replacement}; if something broke, ask the security team to reactivate ${id} before ${day(d.deleteFrom)}`,
        dueDate: d.deleteFrom,
        secretName: null,
      });
      return;
    }
    case 'still-in-use': {
      const id = keyId(d.key);
      const force = d.forceOn === null ? '' : `, and on ${day(d.forceOn)} regardless`;
      notify(ctx, id, stage, rule, {
        reason:
          `Access key ${id} is ${plural(d.ageDays, 'day')} old (deactivate after ${r.deactivateAfterDays}) but was used ` +
          `${plural(d.lastUsedDaysAgo, 'day')} ago (grace ${plural(r.inUseGraceDays, 'day')})`,
        happened: `Access key ${id} is due for deactivation but is still in use (last used ${plural(d.lastUsedDaysAgo, 'day')} ago)`,
        ownerAction:
          `Switch your applications to ${keyId(d.replacement)} and stop using ${id}; it is deactivated once ` +
          `unused for ${plural(r.inUseGraceDays, 'day')}${force}`,
        dueDate: d.forceOn,
        secretName: null,
      });
      return;
    }
    case 'delete': {
      const id = keyId(d.key);
      pushKeyAction(ctx, d.key, stage, rule, {
        type: 'delete-key',
        reason:
          `Inactive access key ${id} is ${plural(d.ageDays, 'day')} old (delete after ${r.deleteAfterDays}) and has been ` +
          `inactive for ${plural(d.inactiveDays, 'day')} since Keywarden deactivated it or first saw it inactive ` +
          `(at least ${r.deleteAfterDays - r.deactivateAfterDays})`,
        expect: { status: 'Inactive', lastUsedDate: iso(d.key.lastUsedDate) },
      });
      notify(ctx, id, stage, rule, {
        reason: `Inactive access key ${id} was deleted`,
        happened: `Inactive access key ${id} was deleted`,
        ownerAction: 'Nothing: the key could no longer be used',
        dueDate: null,
        secretName: null,
      });
      return;
    }
    case 'revoke-key': {
      const id = keyId(d.key);
      const v = d.violation;
      const limit = policy.rules.UNUSED_CREDENTIALS.unusedDays;
      pushKeyAction(ctx, d.key, stage, rule, {
        type: 'deactivate-key',
        reason: `${v.text}; it is deactivated, not rotated, because nobody needs a replacement`,
        expect: { status: 'Active', lastUsedDate: iso(d.key.lastUsedDate), replacementAccessKeyId: null },
      });
      notify(ctx, id, stage, rule, {
        reason: `Unused access key ${id} was deactivated`,
        happened: `Access key ${id} was deactivated because it ${unusedClause(v)} (limit ${plural(limit, 'day')})`,
        ownerAction:
          d.deleteFrom === null
            ? `If you still need it, ask the security team to reactivate ${id}`
            : `If you still need it, ask the security team to reactivate ${id} before ${day(d.deleteFrom)}, when it is deleted`,
        dueDate: d.deleteFrom,
        secretName: null,
      });
      return;
    }
    case 'revoke-password': {
      const profile = user.loginProfile;
      if (profile === null) return;
      const v = d.violation;
      const limit = policy.rules.UNUSED_CREDENTIALS.unusedDays;
      ctx.actions.push({
        id: actionId(user.accountId, user.userName, PASSWORD_SUBJECT, 'delete-login-profile', stage),
        chainId: chainId(user.accountId, user.userName, PASSWORD_SUBJECT, stage),
        type: 'delete-login-profile',
        accountId: user.accountId,
        userName: user.userName,
        stage,
        rule,
        reason: `${v.text}; the login profile is deleted.`,
        expect: {
          loginProfileCreateDate: profile.createDate.toISOString(),
          passwordLastUsed: iso(user.passwordLastUsed),
        },
      });
      notify(ctx, null, stage, rule, {
        reason: 'The unused console password was removed',
        happened: `The console password was removed because it ${unusedClause(v)} (limit ${plural(limit, 'day')})`,
        ownerAction: 'If you need console access, ask an administrator for a new password',
        dueDate: null,
        secretName: null,
      });
      return;
    }
    case 'note-inactive': {
      const id = keyId(d.key);
      const from = day(d.deleteFrom);
      pushKeyAction(ctx, d.key, stage, rule, {
        type: 'note-inactive',
        reason:
          `Access key ${id} is inactive and the journal has no record of when it became so; today's sighting ` +
          `starts its ${plural(r.deleteAfterDays - r.deactivateAfterDays, 'day')} inactive window (deleted from ${from})`,
        expect: { status: 'Inactive', lastUsedDate: iso(d.key.lastUsedDate) },
        deleteFrom: d.deleteFrom.toISOString(),
      });
      notify(ctx, id, stage, rule, {
        reason: `Inactive access key ${id} is scheduled for deletion on ${from}`,
        happened: `Access key ${id} is inactive; Keywarden first saw it inactive today and deletes it from ${from}`,
        ownerAction: `Nothing if it is no longer needed; if it is, ask the security team to reactivate it before ${from}`,
        dueDate: d.deleteFrom,
        secretName: null,
      });
      return;
    }
    case 'slot-pending': {
      ctx.blocked.push({
        accountId: user.accountId,
        userName: user.userName,
        accessKeyId: keyId(d.key),
        rule,
        reason:
          `Access key ${keyId(d.key)} is ${plural(d.ageDays, 'day')} old (rotate after ${r.rotateAfterDays}), but the ` +
          `user's second key slot holds inactive key ${keyId(d.spare)}, which may be deleted from ${day(d.deleteFrom)}; ` +
          'the rotation follows then.',
      });
      return;
    }
    case 'keep-working-key': {
      ctx.blocked.push({
        accountId: user.accountId,
        userName: user.userName,
        accessKeyId: keyId(d.key),
        rule,
        reason:
          `Access key ${keyId(d.key)} is past the unused limit but was used ${plural(d.lastUsedDaysAgo, 'day')} ago ` +
          `(grace ${plural(r.inUseGraceDays, 'day')}) and is the user's last active key, so it is left active.`,
      });
      return;
    }
    default:
      assertNever(d);
  }
}

function pushKeyAction(
  ctx: BuildContext,
  key: AccessKeyRecord,
  stage: Stage,
  rule: RemediationRule,
  action:
    | Pick<Extract<Action, { type: 'deactivate-key' }>, 'type' | 'reason' | 'expect'>
    | Pick<Extract<Action, { type: 'delete-key' }>, 'type' | 'reason' | 'expect'>
    | Pick<Extract<Action, { type: 'note-inactive' }>, 'type' | 'reason' | 'expect' | 'deleteFrom'>,
): void {
  const { user } = ctx;
  const id = keyId(key);
  const common = {
    id: actionId(user.accountId, user.userName, id, action.type, stage),
    chainId: chainId(user.accountId, user.userName, id, stage),
    accountId: user.accountId,
    userName: user.userName,
    accessKeyId: id,
    stage,
    rule,
  } as const;
  ctx.actions.push({ ...common, ...action, reason: sentence(action.reason) });
}

interface NoticeText {
  readonly reason: string;
  readonly happened: string;
  readonly ownerAction: string;
  readonly dueDate: Date | null;
  readonly secretName: string | null;
}

/** Plans a notification unless the journal says this exact one (same id) was already sent. */
function notify(
  ctx: BuildContext,
  accessKeyId: string | null,
  stage: Stage,
  rule: RemediationRule,
  text: NoticeText,
): void {
  const notice = noticeOf(ctx, accessKeyId, stage, rule, text);
  if (notice !== null) ctx.actions.push(notice);
}

/** The notification, or null when the journal says this exact one (same id) was already sent. */
function noticeOf(
  ctx: BuildContext,
  accessKeyId: string | null,
  stage: Stage,
  rule: RemediationRule,
  text: NoticeText,
): NotifyAction | null {
  const { user } = ctx;
  const subject = accessKeyId ?? PASSWORD_SUBJECT;
  const id = actionId(user.accountId, user.userName, subject, 'notify', stage);
  if (ctx.facts.notified(id)) return null;
  const action: NotifyAction = {
    id,
    chainId: chainId(user.accountId, user.userName, subject, stage),
    type: 'notify',
    accountId: user.accountId,
    userName: user.userName,
    stage,
    rule,
    accessKeyId,
    recipient: ownerOf(ctx),
    reason: sentence(text.reason),
    happened: sentence(text.happened),
    ownerAction: sentence(text.ownerAction),
    dueDate: text.dueDate === null ? null : text.dueDate.toISOString(),
    secretName: text.secretName,
  };
  return action;
}

/** The owner tag's value; null = the security team. */
function ownerOf(ctx: BuildContext): string | null {
  return ctx.user.tags[ctx.policy.remediation.ownerTag]?.trim() || null;
}

function blockWithNotice(
  ctx: BuildContext,
  key: AccessKeyRecord,
  rule: RemediationRule,
  text: { readonly reason: string; readonly ownerAction: string },
): void {
  const id = keyId(key);
  ctx.blocked.push({
    accountId: ctx.user.accountId,
    userName: ctx.user.userName,
    accessKeyId: id,
    rule,
    reason: sentence(text.reason),
  });
  notify(ctx, id, 'blocked', rule, {
    reason: `Rotation of access key ${id} is blocked`,
    happened: `Access key ${id} could not be rotated: ${text.reason}`,
    ownerAction: text.ownerAction,
    dueDate: null,
    secretName: null,
  });
}

export function toSkipped(ctx: BuildContext, d: GatedDecision, reason: string): SkippedItem {
  const key = keysOf(d.decision)[0] ?? null;
  return {
    accountId: ctx.user.accountId,
    userName: ctx.user.userName,
    accessKeyId: key === null ? null : usableId(key),
    credential: d.decision.kind === 'revoke-password' ? 'password' : 'access-key',
    rule: d.rule,
    stage: stageOf(d.decision),
    reason: sentence(reason),
  };
}

export function stageOf(d: Decision): Stage {
  switch (d.kind) {
    case 'warn':
    case 'rotate':
    case 'blocked':
    case 'still-in-use':
    case 'delete':
      return d.kind;
    case 'slot-pending':
      return 'rotate';
    case 'note-inactive':
      return 'inactive-seen';
    case 'deactivate':
      return d.forced ? 'force-deactivate' : 'deactivate';
    case 'revoke-key':
    case 'revoke-password':
    case 'keep-working-key':
      return 'revoke-unused';
    default:
      return assertNever(d);
  }
}

/** Every key a decision's actions would name; the first is the one it is about. */
export function keysOf(d: Decision): AccessKeyRecord[] {
  switch (d.kind) {
    case 'rotate':
      return d.spare === null ? [d.key] : [d.key, d.spare];
    case 'blocked':
      return [d.key, d.other];
    case 'deactivate':
    case 'still-in-use':
      return [d.key, d.replacement];
    case 'slot-pending':
      return [d.key, d.spare];
    case 'warn':
    case 'delete':
    case 'note-inactive':
    case 'revoke-key':
    case 'keep-working-key':
      return [d.key];
    case 'revoke-password':
      return [];
    default:
      return assertNever(d);
  }
}

/** Null when the key cannot be named safely (not matched, or matched to two keys). */
export function usableId(key: AccessKeyRecord): string | null {
  return key.idAmbiguous ? null : key.accessKeyId;
}

/** The id of a key that {@link planUser} already checked is usable. */
function keyId(key: AccessKeyRecord): string {
  const id = usableId(key);
  if (id === null) throw new Error(`planner: access key in slot ${key.slot} has no usable id; this is a bug`);
  return id;
}

function unusedClause(v: Violation): string {
  return v.lastUsedDaysAgo === null
    ? `was never used in the ${plural(v.ageDays ?? 0, 'day')} since it was created`
    : `was last used ${plural(v.lastUsedDaysAgo, 'day')} ago`;
}

/** Plan texts are whole sentences; the builders above leave off the final period. */
export function sentence(text: string): string {
  return `${text}.`;
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

/** `YYYY-MM-DD` (UTC) for sentences; the ISO timestamp goes in `dueDate`. */
function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
