import type { AnyActionType } from '../../core/plan/types.js';
import type { Permission } from '../errors.js';
import { CLEANUP_KEY_PERMISSIONS } from './cleanup-key.js';
import { CREATE_KEY_PERMISSIONS } from './create-key.js';
import { DEACTIVATE_KEY_PERMISSIONS } from './deactivate-key.js';
import { DELETE_KEY_PERMISSIONS } from './delete-key.js';
import { DELETE_LOGIN_PROFILE_PERMISSIONS } from './delete-login-profile.js';
import { NOTE_ACTIVE_PERMISSIONS } from './note-active.js';
import { NOTE_INACTIVE_PERMISSIONS } from './note-inactive.js';
import { REACTIVATE_KEY_PERMISSIONS } from './reactivate-key.js';
import { STORE_SECRET_PERMISSIONS } from './store-secret.js';

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
