/**
 * Who needs what in an organization run, from the same declarations as every other role:
 * - the hub's handlers (org-accounts, org-worker, org-report) work with the hub's own resources:
 *   Organizations, the journal, the report bucket, the central topic, the policy parameter, and
 *   sts:AssumeRole on the member role;
 * - KeywardenMemberRole, in every member account, holds what the worker does there through it: the
 *   live inventory, every remediation action, the exclusion list when the policy names one, and the
 *   caller identity the account's lease is named with. No journal, topic or bucket: those are the hub's.
 */

import {
  ASSUME_ROLE_PERMISSIONS,
  LIVE_INVENTORY_PERMISSIONS,
  ORGANIZATION_PERMISSIONS,
  POLICY_PARAMETER_PERMISSIONS,
  REPORT_BUCKET_PERMISSIONS,
  SSM_EXCLUSION_PERMISSIONS,
} from '../aws/permissions.js';
import { notificationPermissions } from '../channels/permissions.js';
import { ACTION_PERMISSIONS } from '../core/actions/registry.js';
import type { Permission } from '../core/permission.js';
import type { Policy } from '../core/policy/types.js';
import { JOURNAL_TABLE_PERMISSIONS, type OrgHandlerName } from './handler-permissions.js';

const unique = (lists: readonly (readonly Permission[])[]) => [...new Set(lists.flat())].sort();

/** The calibration of the service clock (and the worker's partition look-up). */
const CALLER_IDENTITY: readonly Permission[] = ['sts:GetCallerIdentity'];

/** The policy's notifications as the worker sends them: the central topic is one more SNS channel. */
function withCentralTopic(policy: Policy, topicArn: string): Policy {
  return {
    ...policy,
    notifications: { ...policy.notifications, sns: policy.notifications.sns ?? { topicArn } },
  };
}

/** The permissions one organization handler needs in the hub account, sorted. */
export function orgHandlerPermissions(
  handler: OrgHandlerName,
  policy: Policy,
  centralTopicArn: string,
): Permission[] {
  const reportBucket = (uses: readonly Permission[]) =>
    REPORT_BUCKET_PERMISSIONS.filter((p) => uses.includes(p));
  switch (handler) {
    case 'org-accounts':
      return unique([ORGANIZATION_PERMISSIONS, CALLER_IDENTITY]);
    case 'org-worker':
      return unique([
        ASSUME_ROLE_PERMISSIONS,
        CALLER_IDENTITY,
        POLICY_PARAMETER_PERMISSIONS,
        JOURNAL_TABLE_PERMISSIONS,
        notificationPermissions(withCentralTopic(policy, centralTopicArn).notifications),
        reportBucket(['s3:PutObject']),
      ]);
    case 'org-report':
      return unique([
        CALLER_IDENTITY,
        POLICY_PARAMETER_PERMISSIONS,
        ['sns:Publish'],
        reportBucket(['s3:GetObject', 's3:PutObject', 's3:ListBucket']),
      ]);
    default:
      return handler satisfies never;
  }
}

/** What KeywardenMemberRole holds in each member account under `policy`, sorted. */
export function memberRolePermissions(policy: Policy): Permission[] {
  return unique([
    LIVE_INVENTORY_PERMISSIONS,
    policy.exemptions.ssmParameter === null ? [] : SSM_EXCLUSION_PERMISSIONS,
    ...Object.values(ACTION_PERMISSIONS),
    CALLER_IDENTITY,
  ]);
}
