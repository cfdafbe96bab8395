import type { AnyActionType, RecoveryStep, Stage } from './types.js';

export { PASSWORD_SUBJECT } from '../actions/action.js';

/** What an action is about: an access key id, or the console password. */
export type Subject = string;

/**
 * The stable id of an action. IAM user names cannot contain `/` and key ids are alphanumeric, so
 * the parts never run into each other; the same input always gives the same id, which is what the
 * journal and notify-once key on.
 */
export function actionId(
  accountId: string,
  userName: string,
  subject: Subject,
  type: AnyActionType,
  stage: RecoveryStep,
): string {
  return `${accountId}/${userName}/${subject}/${type}/${stage}`;
}

/** Groups the actions of one stage of one credential; capping keeps or defers them together. */
export function chainId(accountId: string, userName: string, subject: Subject, stage: Stage): string {
  return `${accountId}/${userName}/${subject}/${stage}`;
}

/**
 * `<prefix>/<accountId>/<userName>`, or null when the user name holds a character Secrets Manager
 * does not allow in a secret name (IAM allows `,`). Such a name is never rewritten: two users
 * could then share one secret.
 */
export function secretNameFor(prefix: string, accountId: string, userName: string): string | null {
  return /^[A-Za-z0-9_+=.@-]+$/.test(userName) ? `${prefix}/${accountId}/${userName}` : null;
}
