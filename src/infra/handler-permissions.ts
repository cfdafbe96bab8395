/**
 * Which declared permissions each Lambda handler needs under a policy: the engine's own uses
 * (auditPermissions, remediationPermissions from src/aws/permissions.ts) plus the few calls the
 * handlers make themselves.
 */
import type { Permission } from '../aws/errors.js';
import { configRulePermissions, lambdaRemediationPermissions } from '../aws/permissions.js';
import type { Policy } from '../core/policy/types.js';
import { DYNAMODB_JOURNAL_PERMISSIONS } from '../journal/dynamodb.js';

/** The account stack's three handlers, by the file name of their entry in src/lambda. */
export const HANDLER_NAMES = ['scheduled', 'config-rule', 'remediate'] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** The organization stack's handlers (src/infra/organization-permissions.ts gives their permissions). */
export const ORG_HANDLER_NAMES = ['org-accounts', 'org-worker', 'org-report'] as const;
export type OrgHandlerName = (typeof ORG_HANDLER_NAMES)[number];

/** Every handler with an entry in src/lambda. */
export type AnyHandlerName = HandlerName | OrgHandlerName;

/**
 * The DynamoDB journal, as src/journal/dynamodb.ts declares it (records, leases, claims), plus the
 * caller-identity look-up the lease names the account with.
 */
export const JOURNAL_TABLE_PERMISSIONS: readonly Permission[] = [
  ...DYNAMODB_JOURNAL_PERMISSIONS,
  'sts:GetCallerIdentity',
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

/**
 * The permissions one handler needs under `policy`, sorted: the handlers' own declarations
 * (src/aws/permissions.ts) plus the journal table for the two that change IAM.
 */
export function handlerPermissions(
  handler: HandlerName,
  policy: Policy,
  stackTopicArn: string,
): Permission[] {
  switch (handler) {
    case 'scheduled':
    case 'remediate':
      // Audit, plan, apply within the cap and notify, journaled; remediate does it for one user,
      // found by its user id and re-read live.
      return unique([
        lambdaRemediationPermissions(withStackTopic(policy, stackTopicArn)),
        JOURNAL_TABLE_PERMISSIONS,
      ]);
    case 'config-rule':
      // A scheduled evaluation reads the account the policy's way; a change notification reads the
      // one user live. It changes nothing and keeps no journal.
      return configRulePermissions(policy);
    default:
      return handler satisfies never;
  }
}
