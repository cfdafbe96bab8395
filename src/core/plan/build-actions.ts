/**
 * Turns the lifecycle's decisions for one user into plan actions: ids, chains, the expectations the
 * apply step re-checks, and the owner's notification (sent once, per the journal). The texts come
 * from wording.ts.
 */
import type { AccessKeyRecord, UserRecord } from '../model.js';
import type { Policy } from '../policy/types.js';
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
import {
  activeOtherKeyBlock,
  type BlockWords,
  blockedNotice,
  deactivateWords,
  deleteWords,
  keepWorkingKeyReason,
  type NoticeWords,
  noteInactiveWords,
  revokeKeyWords,
  revokePasswordWords,
  rotateWords,
  sentence,
  slotPendingReason,
  stillInUseNotice,
  unstorableSecretBlock,
  warnNotice,
} from './wording.js';

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
      notify(ctx, id, stage, rule, { ...warnNotice(id, d, r), dueDate: d.rotateOn, secretName: null });
      return;
    }
    case 'rotate': {
      const id = keyId(d.key);
      const secretName = secretNameFor(policy.remediation.secretNamePrefix, user.accountId, user.userName);
      if (secretName === null) {
        blockWithNotice(ctx, d.key, rule, unstorableSecretBlock(id, d, r, user.userName));
        return;
      }
      const words = rotateWords(id, d, r, secretName);
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
          reason: words.deleteSpareReason(spareId),
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
        reason: words.createKeyReason,
        expect: { status: 'Active', lastUsedDate: iso(d.key.lastUsedDate), accessKeyCount: 1 },
        deactivateFrom: d.deactivateFrom.toISOString(),
        recipient: ownerOf(ctx),
      });
      const notice = noticeOf(ctx, id, stage, rule, {
        ...words.notice,
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
        reason: words.storeSecretReason,
        notice,
      });
      if (notice !== null) ctx.actions.push(notice);
      return;
    }
    case 'blocked': {
      const id = keyId(d.key);
      blockWithNotice(ctx, d.key, rule, activeOtherKeyBlock(id, keyId(d.other), r));
      return;
    }
    case 'deactivate': {
      const id = keyId(d.key);
      const replacement = keyId(d.replacement);
      const words = deactivateWords(id, replacement, d, r);
      pushKeyAction(ctx, d.key, stage, rule, {
        type: 'deactivate-key',
        reason: words.reason,
        expect: {
          status: 'Active',
          lastUsedDate: iso(d.key.lastUsedDate),
          replacementAccessKeyId: replacement,
        },
      });
      notify(ctx, id, stage, rule, { ...words.notice, dueDate: d.deleteFrom, secretName: null });
      return;
    }
    case 'still-in-use': {
      const id = keyId(d.key);
      notify(ctx, id, stage, rule, {
        ...stillInUseNotice(id, keyId(d.replacement), d, r),
        dueDate: d.forceOn,
        secretName: null,
      });
      return;
    }
    case 'delete': {
      const id = keyId(d.key);
      const words = deleteWords(id, d, r);
      pushKeyAction(ctx, d.key, stage, rule, {
        type: 'delete-key',
        reason: words.reason,
        expect: { status: 'Inactive', lastUsedDate: iso(d.key.lastUsedDate) },
      });
      notify(ctx, id, stage, rule, { ...words.notice, dueDate: null, secretName: null });
      return;
    }
    case 'revoke-key': {
      const id = keyId(d.key);
      const words = revokeKeyWords(id, d, policy.rules.UNUSED_CREDENTIALS.unusedDays);
      pushKeyAction(ctx, d.key, stage, rule, {
        type: 'deactivate-key',
        reason: words.reason,
        expect: { status: 'Active', lastUsedDate: iso(d.key.lastUsedDate), replacementAccessKeyId: null },
      });
      notify(ctx, id, stage, rule, { ...words.notice, dueDate: d.deleteFrom, secretName: null });
      return;
    }
    case 'revoke-password': {
      const profile = user.loginProfile;
      if (profile === null) return;
      const words = revokePasswordWords(d, policy.rules.UNUSED_CREDENTIALS.unusedDays);
      ctx.actions.push({
        id: actionId(user.accountId, user.userName, PASSWORD_SUBJECT, 'delete-login-profile', stage),
        chainId: chainId(user.accountId, user.userName, PASSWORD_SUBJECT, stage),
        type: 'delete-login-profile',
        accountId: user.accountId,
        userName: user.userName,
        stage,
        rule,
        reason: words.reason,
        expect: {
          loginProfileCreateDate: profile.createDate.toISOString(),
          passwordLastUsed: iso(user.passwordLastUsed),
        },
      });
      notify(ctx, null, stage, rule, { ...words.notice, dueDate: null, secretName: null });
      return;
    }
    case 'note-inactive': {
      const id = keyId(d.key);
      const words = noteInactiveWords(id, d, r);
      pushKeyAction(ctx, d.key, stage, rule, {
        type: 'note-inactive',
        reason: words.reason,
        expect: { status: 'Inactive', lastUsedDate: iso(d.key.lastUsedDate) },
        deleteFrom: d.deleteFrom.toISOString(),
      });
      notify(ctx, id, stage, rule, { ...words.notice, dueDate: d.deleteFrom, secretName: null });
      return;
    }
    case 'slot-pending': {
      const id = keyId(d.key);
      ctx.blocked.push({
        accountId: user.accountId,
        userName: user.userName,
        accessKeyId: id,
        rule,
        reason: slotPendingReason(id, keyId(d.spare), d, r),
      });
      return;
    }
    case 'keep-working-key': {
      const id = keyId(d.key);
      ctx.blocked.push({
        accountId: user.accountId,
        userName: user.userName,
        accessKeyId: id,
        rule,
        reason: keepWorkingKeyReason(id, d, r),
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

interface NoticeText extends NoticeWords {
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
  block: BlockWords,
): void {
  const id = keyId(key);
  ctx.blocked.push({
    accountId: ctx.user.accountId,
    userName: ctx.user.userName,
    accessKeyId: id,
    rule,
    reason: sentence(block.reason),
  });
  notify(ctx, id, 'blocked', rule, { ...blockedNotice(id, block), dueDate: null, secretName: null });
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

function stageOf(d: Decision): Stage {
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

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
