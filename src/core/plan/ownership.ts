/**
 * Which new access key is Keywarden's own after one of its CreateAccessKey calls. Keywarden deletes,
 * deactivates or reactivates only keys it can prove are its own, or keys a plan names from a
 * finding; a key someone else made at the same moment (a person, another tool, another Keywarden
 * with its own journal) is left alone, reported by id, and its owner told.
 *
 * The proof, by how the call ended:
 * - answered: the key id in the answer (journaled) is Keywarden's;
 * - refused (any 4xx, or the request never left): no key was made, so none is Keywarden's;
 * - unknown (a crash, a timeout, a lost answer): a key is Keywarden's only if it was created inside
 *   the call's time window (with a margin for clock skew) and, checked when it is cleaned up, never
 *   used: only then could Keywarden alone hold its secret. One such key at most; two would be
 *   ambiguous, and then neither is taken.
 */
import { actionId, chainId } from './ids.js';
import type { CreateKeyAction, NotifyAction } from './types.js';

/**
 * How far outside the call's window a key's creation time may lie and still be the call's: the
 * window is stamped by this machine's idea of AWS's clock (the service clock), the key by AWS's.
 */
const CLOCK_SKEW_MS = 60_000;

/** A key of the user as IAM lists it now. */
export interface ListedKey {
  readonly accessKeyId: string;
  readonly createDate: Date | null;
}

/** One CreateAccessKey call, as far as its caller (or the journal, after a crash) knows it. */
export interface CreateCall {
  /** The key IAM's answer named; null when no answer came. */
  readonly answeredKeyId: string | null;
  /** True when the call was refused (a 4xx, or never sent): no key was made. */
  readonly refused: boolean;
  /** From the journaled intent to when the call was over (or could no longer be running). */
  readonly window: { readonly from: Date; readonly to: Date };
  /** The key the new one was to replace; never a candidate. */
  readonly replacesAccessKeyId: string;
}

/** A key that is Keywarden's own. */
interface OwnKey {
  readonly accessKeyId: string;
  /** True when proven by its creation time, not named by IAM's answer: removed only if never used. */
  readonly foundByTime: boolean;
}

export interface KeyOwnership {
  /** The key the call made, when Keywarden can prove it; null otherwise. */
  readonly ours: OwnKey | null;
  /** New keys Keywarden cannot prove it made: left alone and reported. */
  readonly foreign: readonly ListedKey[];
}

/**
 * Sorts the user's keys after a CreateAccessKey into the call's own key and foreign ones. `listed`
 * is null when IAM was not read (the answer named the key); `known` are keys that are not new:
 * listed before the call, or made by another Keywarden run of this journal.
 */
export function keyOwnership(
  call: CreateCall,
  listed: readonly ListedKey[] | null,
  known: ReadonlySet<string>,
): KeyOwnership {
  const fresh = (listed ?? []).filter(
    (k) =>
      k.accessKeyId !== call.replacesAccessKeyId &&
      k.accessKeyId !== call.answeredKeyId &&
      !known.has(k.accessKeyId),
  );
  if (call.answeredKeyId !== null) {
    return { ours: { accessKeyId: call.answeredKeyId, foundByTime: false }, foreign: fresh };
  }
  if (call.refused) return { ours: null, foreign: fresh };
  const from = call.window.from.getTime() - CLOCK_SKEW_MS;
  const to = call.window.to.getTime() + CLOCK_SKEW_MS;
  const inWindow = fresh.filter(
    (k) => k.createDate !== null && k.createDate.getTime() >= from && k.createDate.getTime() <= to,
  );
  const [only] = inWindow;
  if (inWindow.length !== 1 || only === undefined) return { ours: null, foreign: fresh };
  return {
    ours: { accessKeyId: only.accessKeyId, foundByTime: true },
    foreign: fresh.filter((k) => k !== only),
  };
}

/** The reason a foreign key blocks the rotation, one sentence fragment naming each key. */
export function foreignKeysText(
  create: Pick<CreateKeyAction, 'replacesAccessKeyId'>,
  foreign: readonly ListedKey[],
): string {
  const keys = foreign
    .map(
      (k) =>
        `${k.accessKeyId} (created ${k.createDate === null ? 'at an unknown time' : k.createDate.toISOString()})`,
    )
    .join(', ');
  return (
    `access key ${keys} appeared and Keywarden cannot prove it made it, so it is left alone; ` +
    `the rotation of ${create.replacesAccessKeyId} is blocked and the owner is told`
  );
}

/**
 * The notice that tells the owner (the security team when the user has no owner tag) that a key
 * Keywarden did not make blocks the rotation. One per foreign key: sent once, whatever run finds it.
 */
export function foreignKeyNotice(
  create: Pick<CreateKeyAction, 'accountId' | 'userName' | 'replacesAccessKeyId' | 'rule' | 'recipient'>,
  foreign: ListedKey,
): NotifyAction {
  const { accountId, userName, replacesAccessKeyId: old } = create;
  const stage = 'blocked';
  return {
    id: actionId(accountId, userName, foreign.accessKeyId, 'notify', stage),
    chainId: chainId(accountId, userName, foreign.accessKeyId, stage),
    type: 'notify',
    accountId,
    userName,
    stage,
    rule: create.rule,
    accessKeyId: foreign.accessKeyId,
    recipient: create.recipient ?? null,
    reason: `Access key ${foreign.accessKeyId} appeared while Keywarden was rotating ${old}, and Keywarden did not make it.`,
    happened:
      `Access key ${foreign.accessKeyId} was created for ${userName} while Keywarden was replacing ${old}; ` +
      'Keywarden did not make it and left it alone, and did not rotate the key.',
    ownerAction:
      `Check who created ${foreign.accessKeyId}: if it is yours, switch to it and deactivate ${old}; ` +
      'if nobody knows it, deactivate and delete it.',
    dueDate: null,
    secretName: null,
  };
}
