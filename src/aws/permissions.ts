/**
 * Every AWS permission Keywarden's calls need, by what they are for. Each module declares the
 * permissions of its own calls (an inventory mode, an action, a channel); this module puts them
 * together for a use, so the README's list and the deployed roles are built from the same
 * declarations, and a test compares them with the calls the emulator actually saw.
 */

import { EMAIL_PERMISSIONS } from '../channels/email.js';
import { notificationPermissions } from '../channels/notifier.js';
import { SLACK_SSM_PERMISSIONS } from '../channels/slack.js';
import { SNS_PERMISSIONS } from '../channels/sns.js';
import type { InventoryMode, Policy } from '../core/policy/types.js';
import { ACTION_PERMISSIONS } from './apply/permissions.js';
import type { Permission } from './errors.js';
import { LIVE_INVENTORY_PERMISSIONS } from './live-inventory.js';
import { REPORT_INVENTORY_PERMISSIONS } from './report-inventory.js';
import { SECURITY_HUB_PERMISSIONS } from './security-hub.js';
import { SSM_EXCLUSION_PERMISSIONS } from './ssm-exclusions.js';

/** One line of the permission list: what the permissions are for. */
export interface PermissionGroup {
  readonly name: string;
  readonly purpose: string;
  readonly permissions: readonly Permission[];
}

/** Every declared permission, grouped by purpose; the README's list is checked against this. */
export const PERMISSION_GROUPS: readonly PermissionGroup[] = [
  {
    name: 'audit (report mode)',
    purpose:
      'the credential report, user details, key ids for users with key findings, login profiles whose creation date matters',
    permissions: REPORT_INVENTORY_PERMISSIONS,
  },
  {
    name: 'audit (live mode)',
    purpose: 'users, keys, last use, login profiles, root summary; groups and MFA only when needed',
    permissions: LIVE_INVENTORY_PERMISSIONS,
  },
  {
    name: 'SSM exclusion list',
    purpose: 'exemptions.ssmParameter',
    permissions: SSM_EXCLUSION_PERMISSIONS,
  },
  ...Object.entries(ACTION_PERMISSIONS)
    .filter(([, permissions]) => permissions.length > 0)
    .map(([type, permissions]) => ({
      name: `remediation: ${type}`,
      purpose: 'the change and the live re-check before it',
      permissions,
    })),
  { name: 'notifications: SNS', purpose: 'notifications.sns', permissions: SNS_PERMISSIONS },
  { name: 'notifications: email', purpose: 'notifications.email (SES v2)', permissions: EMAIL_PERMISSIONS },
  {
    name: 'audit --to-security-hub',
    purpose: 'import open findings, archive the fixed ones',
    permissions: SECURITY_HUB_PERMISSIONS,
  },
  {
    name: 'notifications: Slack',
    purpose: 'notifications.slack.webhookUrlSsmParameter',
    permissions: SLACK_SSM_PERMISSIONS,
  },
];

function inventoryPermissions(mode: InventoryMode): readonly Permission[] {
  return mode === 'live' ? LIVE_INVENTORY_PERMISSIONS : REPORT_INVENTORY_PERMISSIONS;
}

function unique(lists: readonly (readonly Permission[])[]): Permission[] {
  return [...new Set(lists.flat())].sort();
}

/** What `audit` needs under this policy. */
export function auditPermissions(policy: Policy): Permission[] {
  return unique([
    inventoryPermissions(policy.inventory.mode),
    policy.exemptions.ssmParameter === null ? [] : SSM_EXCLUSION_PERMISSIONS,
  ]);
}

/** What `plan` and `apply` need under this policy: reading, every action, the configured channels. */
export function remediationPermissions(policy: Policy): Permission[] {
  return unique([
    auditPermissions(policy),
    // Planning from the credential report looks up key ids like the audit does.
    ...Object.values(ACTION_PERMISSIONS),
    notificationPermissions(policy.notifications),
  ]);
}
