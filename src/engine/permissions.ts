/**
 * Every AWS permission Keywarden's calls need, by what they are for. Each module declares the
 * permissions of its own calls (an inventory mode, an action, a channel); this module puts them
 * together for a use, so the README's list and the deployed roles are built from the same
 * declarations, and a test compares them with the calls the emulator actually saw.
 */

import {
  ASSUME_ROLE_PERMISSIONS,
  CONFIG_RULE_PERMISSIONS,
  LIVE_INVENTORY_PERMISSIONS,
  ORGANIZATION_PERMISSIONS,
  POLICY_PARAMETER_PERMISSIONS,
  REPORT_BUCKET_PERMISSIONS,
  REPORT_INVENTORY_PERMISSIONS,
  SECURITY_HUB_PERMISSIONS,
  SSM_EXCLUSION_PERMISSIONS,
  USER_BY_ID_PERMISSIONS,
} from '../aws/permissions.js';
import {
  EMAIL_PERMISSIONS,
  notificationPermissions,
  SLACK_SSM_PERMISSIONS,
  SNS_PERMISSIONS,
} from '../channels/permissions.js';
import { ACTION_PERMISSIONS } from '../core/actions/registry.js';
import type { Permission } from '../core/permission.js';
import { changedUserPolicy, remediationPolicy } from '../core/policy/inventory-mode.js';
import { parseJournalSpec } from '../core/policy/journal.js';
import type { InventoryMode, Policy } from '../core/policy/types.js';
import {
  DYNAMODB_JOURNAL_CREATE_PERMISSIONS,
  DYNAMODB_JOURNAL_LEASES_PERMISSIONS,
  DYNAMODB_JOURNAL_PERMISSIONS,
} from '../journal/permissions.js';

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
      'the credential report, user details, key ids for users with key findings, login profiles whose creation date matters; a user whose report row cannot be read is read live',
    permissions: REPORT_INVENTORY_PERMISSIONS,
  },
  {
    name: 'audit (live mode)',
    purpose:
      'users, keys, last use, login profiles, root summary; groups, MFA and attached policies only when needed',
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
    purpose: 'import the findings, resolve and archive the fixed ones, re-open the ones that come back',
    permissions: SECURITY_HUB_PERMISSIONS,
  },
  {
    name: 'notifications: Slack',
    purpose: 'notifications.slack.webhookUrlSsmParameter',
    permissions: SLACK_SSM_PERMISSIONS,
  },
  {
    name: 'many accounts (--org)',
    purpose: "list the organization's accounts (management account or delegated administrator)",
    permissions: ORGANIZATION_PERMISSIONS,
  },
  {
    name: 'many accounts (--org, --accounts)',
    purpose: 'the caller assumes --role-name in each account; that role needs the permissions above',
    permissions: ASSUME_ROLE_PERMISSIONS,
  },
  {
    name: 'Lambda: policy parameter',
    purpose: 'KEYWARDEN_POLICY_PARAMETER (every handler)',
    permissions: POLICY_PARAMETER_PERMISSIONS,
  },
  {
    name: 'Lambda: config-rule',
    purpose: 'deliver evaluations; find a changed user by id when the item has no name',
    permissions: [...CONFIG_RULE_PERMISSIONS, ...USER_BY_ID_PERMISSIONS],
  },
  {
    name: 'Lambda: remediate',
    purpose: 'find the user AWS Config names by id',
    permissions: USER_BY_ID_PERMISSIONS,
  },
  {
    name: 'Lambda: organization run',
    purpose:
      "org-worker writes each account's report, org-report reads them back and writes the organization report (ListBucket: a missing report reads as NoSuchKey)",
    permissions: REPORT_BUCKET_PERMISSIONS,
  },
  {
    name: 'journal: DynamoDB',
    purpose: 'a shared journal (dynamodb://TABLE): its records, account leases and intent claims',
    permissions: DYNAMODB_JOURNAL_PERMISSIONS,
  },
  {
    name: 'keywarden journal create',
    purpose: 'the journal table, its point-in-time recovery and TTL',
    permissions: DYNAMODB_JOURNAL_CREATE_PERMISSIONS,
  },
  {
    name: 'keywarden journal leases, release',
    purpose:
      "list the account leases (a Scan; --account reads one item), release a dead run's lease (a conditional delete), on the service's clock",
    permissions: [...DYNAMODB_JOURNAL_LEASES_PERMISSIONS, 'sts:GetCallerIdentity'],
  },
];

/** True when the policy keeps its journal in DynamoDB (the CLI may still name another with --journal). */
function dynamoJournal(policy: Policy): boolean {
  const location = policy.journal.location;
  if (location === null) return false;
  const parsed = parseJournalSpec(location);
  return 'spec' in parsed && parsed.spec.kind === 'dynamodb';
}

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
    // The audit reads the journal to tell Keywarden's own rotations apart.
    dynamoJournal(policy) ? ['dynamodb:Query'] : [],
  ]);
}

/** What `plan` and `apply` need under this policy: reading, every action, the configured channels. */
export function remediationPermissions(policy: Policy): Permission[] {
  return unique([
    auditPermissions(policy),
    // Planning from the credential report looks up key ids like the audit does.
    ...Object.values(ACTION_PERMISSIONS),
    notificationPermissions(policy.notifications),
    dynamoJournal(policy) ? DYNAMODB_JOURNAL_PERMISSIONS : [],
  ]);
}

/**
 * The config-rule handler's role: the audit in the policy's mode (schedules) and in live mode (one
 * changed user), the evaluations, the user-by-id look-up and the policy parameter.
 */
export function configRulePermissions(policy: Policy): Permission[] {
  return unique([
    auditPermissions(policy),
    auditPermissions(changedUserPolicy(policy)),
    CONFIG_RULE_PERMISSIONS,
    USER_BY_ID_PERMISSIONS,
    POLICY_PARAMETER_PERMISSIONS,
  ]);
}

/**
 * The scheduled and remediate handlers' role: remediation from live state, the user-by-id look-up,
 * the policy parameter. Pass the policy as the handler runs it: with KEYWARDEN_NOTIFY_TOPIC_ARN
 * applied (`withNotifyTopic`), so the topic's sns:Publish is included.
 */
export function lambdaRemediationPermissions(policy: Policy): Permission[] {
  return unique([
    remediationPermissions(remediationPolicy(policy)),
    USER_BY_ID_PERMISSIONS,
    POLICY_PARAMETER_PERMISSIONS,
  ]);
}
