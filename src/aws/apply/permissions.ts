import type { Permission } from '../../core/permission.js';
import type { AnyActionType } from '../../core/plan/types.js';

export const CLEANUP_KEY_PERMISSIONS: readonly Permission[] = [
  'iam:ListAccessKeys',
  // A resume first asks whether the interrupted store completed (the version id, not the secret).
  'secretsmanager:DescribeSecret',
  'iam:GetAccessKeyLastUsed',
  'iam:UpdateAccessKey',
  'iam:DeleteAccessKey',
];

export const CREATE_KEY_PERMISSIONS: readonly Permission[] = [
  'iam:ListAccessKeys',
  'iam:CreateAccessKey',
  // After a lost answer: a new key another Keywarden run already stored is not this call's.
  'secretsmanager:DescribeSecret',
  // A key the call made although its answer was lost is removed at once if never used (cleanup-key).
  'iam:GetAccessKeyLastUsed',
  'iam:UpdateAccessKey',
  'iam:DeleteAccessKey',
];

export const DEACTIVATE_KEY_PERMISSIONS: readonly Permission[] = [
  'iam:ListAccessKeys',
  'iam:GetAccessKeyLastUsed',
  'iam:UpdateAccessKey',
];

export const DELETE_KEY_PERMISSIONS: readonly Permission[] = [
  'iam:ListAccessKeys',
  'iam:GetAccessKeyLastUsed',
  'iam:DeleteAccessKey',
];

export const DELETE_LOGIN_PROFILE_PERMISSIONS: readonly Permission[] = [
  'iam:GetLoginProfile',
  'iam:GetUser',
  'iam:DeleteLoginProfile',
];

export const NOTE_ACTIVE_PERMISSIONS: readonly Permission[] = ['iam:ListAccessKeys'];

export const NOTE_INACTIVE_PERMISSIONS: readonly Permission[] = ['iam:ListAccessKeys'];

export const REACTIVATE_KEY_PERMISSIONS: readonly Permission[] = [
  'iam:ListAccessKeys',
  'iam:UpdateAccessKey',
];

export const STORE_SECRET_PERMISSIONS: readonly Permission[] = [
  'iam:ListAccessKeys',
  'secretsmanager:CreateSecret',
  'secretsmanager:PutSecretValue',
  'secretsmanager:TagResource',
  // A store whose answer was lost: whether it landed (its version id, never the secret).
  'secretsmanager:DescribeSecret',
  // A key whose secret could not be stored is deleted (cleanup-key).
  'iam:UpdateAccessKey',
  'iam:DeleteAccessKey',
];

/**
 * The IAM (and Secrets Manager) permissions each action needs, reads for re-verification included;
 * each action's module declares its own. Notify needs none here: each channel declares its own.
 */
export const ACTION_PERMISSIONS: Readonly<Record<AnyActionType, readonly Permission[]>> = {
  'create-key': CREATE_KEY_PERMISSIONS,
  'store-secret': STORE_SECRET_PERMISSIONS,
  'deactivate-key': DEACTIVATE_KEY_PERMISSIONS,
  'delete-key': DELETE_KEY_PERMISSIONS,
  'delete-login-profile': DELETE_LOGIN_PROFILE_PERMISSIONS,
  'note-inactive': NOTE_INACTIVE_PERMISSIONS,
  'note-active': NOTE_ACTIVE_PERMISSIONS,
  notify: [],
  'cleanup-key': CLEANUP_KEY_PERMISSIONS,
  'reactivate-key': REACTIVATE_KEY_PERMISSIONS,
};
