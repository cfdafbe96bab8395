/**
 * Which declared permissions each Lambda handler needs under a policy: the engine's own uses
 * (auditPermissions, remediationPermissions from src/aws/permissions.ts) plus the few calls the
 * handlers make themselves.
 */
import type { Permission } from '../aws/errors.js';
import { LIVE_INVENTORY_PERMISSIONS } from '../aws/live-inventory.js';
import { auditPermissions, remediationPermissions } from '../aws/permissions.js';
import { REPORT_INVENTORY_PERMISSIONS } from '../aws/report-inventory.js';
import type { Policy } from '../core/policy/types.js';

/** The three handlers, by the file name of their entry in src/lambda. */
export const HANDLER_NAMES = ['scheduled', 'config-rule', 'remediate'] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

// The handlers' own calls. TODO(integrator): once src/lambda and src/journal/dynamodb.ts declare
// these next to their calls (as every src/aws module does), import their lists here instead.
/** Reading the policy YAML from the stack's SSM parameter (GetParameter, WithDecryption). */
export const POLICY_PARAMETER_PERMISSIONS: readonly Permission[] = ['ssm:GetParameter'];
/** The Config rule reporting its verdicts. */
export const PUT_EVALUATIONS_PERMISSIONS: readonly Permission[] = ['config:PutEvaluations'];
/** The DynamoDB journal: conditional writes, leases, reads for resume, undo and history. */
export const JOURNAL_TABLE_PERMISSIONS: readonly Permission[] = [
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:Query',
];

const unique = (lists: readonly (readonly Permission[])[]) => [...new Set(lists.flat())].sort();

/**
 * The policy as the handlers run it: the stack's topic is one more SNS channel
 * (KEYWARDEN_NOTIFY_TOPIC_ARN), so its publish permission is always needed.
 */
function withStackTopic(policy: Policy, topicArn: string): Policy {
  return {
    ...policy,
    notifications: { ...policy.notifications, sns: policy.notifications.sns ?? { topicArn } },
  };
}

/** The permissions one handler needs under `policy`, sorted. */
export function handlerPermissions(
  handler: HandlerName,
  policy: Policy,
  stackTopicArn: string,
): Permission[] {
  switch (handler) {
    case 'scheduled':
      // Audit, plan, apply within the cap and notify, journaled.
      return unique([
        remediationPermissions(withStackTopic(policy, stackTopicArn)),
        JOURNAL_TABLE_PERMISSIONS,
        POLICY_PARAMETER_PERMISSIONS,
      ]);
    case 'remediate':
      // The same for one user, found by its user id and re-read live whatever the inventory mode.
      return unique([
        remediationPermissions(withStackTopic(policy, stackTopicArn)),
        LIVE_INVENTORY_PERMISSIONS,
        JOURNAL_TABLE_PERMISSIONS,
        POLICY_PARAMETER_PERMISSIONS,
      ]);
    case 'config-rule':
      // A scheduled evaluation reads the account the policy's way; a change notification reads the
      // one user live, so both inventories' reads are needed. It changes nothing and keeps no journal.
      return unique([
        auditPermissions(policy),
        REPORT_INVENTORY_PERMISSIONS,
        LIVE_INVENTORY_PERMISSIONS,
        PUT_EVALUATIONS_PERMISSIONS,
        POLICY_PARAMETER_PERMISSIONS,
      ]);
    default:
      return handler satisfies never;
  }
}
