/**
 * Which declared permissions each Lambda handler needs under a policy: the handlers' own uses as
 * src/aws/permissions.ts declares them (configRulePermissions, lambdaRemediationPermissions), for the
 * policy as the handlers run it, plus the DynamoDB journal.
 */

import { ACCOUNT_HANDLER_NAMES, type ORG_HANDLER_NAMES, withNotifyTopic } from '../core/deployment.js';
import type { Permission } from '../core/permission.js';
import type { Policy } from '../core/policy/types.js';
import { configRulePermissions, lambdaRemediationPermissions } from '../engine/permissions.js';
import { DYNAMODB_JOURNAL_PERMISSIONS } from '../journal/permissions.js';

/** The account stack's three handlers, by the file name of their entry in src/lambda. */
export const HANDLER_NAMES = ACCOUNT_HANDLER_NAMES;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** The organization stack's handlers (src/infra/organization-permissions.ts gives their permissions). */
export type OrgHandlerName = (typeof ORG_HANDLER_NAMES)[number];

/** Every handler with an entry in src/lambda. */
export type AnyHandlerName = HandlerName | OrgHandlerName;

/**
 * The DynamoDB journal, as src/journal/permissions.ts declares it (records, leases, claims), plus the
 * caller-identity look-up the lease names the account with.
 */
export const JOURNAL_TABLE_PERMISSIONS: readonly Permission[] = [
  ...DYNAMODB_JOURNAL_PERMISSIONS,
  'sts:GetCallerIdentity',
];
/** Reading the journal only (the Config rule recognizes Keywarden's rotations in progress). */
const JOURNAL_READ_PERMISSIONS: readonly Permission[] = [
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:Query',
];

const unique = (lists: readonly (readonly Permission[])[]) => [...new Set(lists.flat())].sort();

/**
 * The permissions one handler needs under `policy`, sorted. The stack's topic is the handlers'
 * SNS channel (KEYWARDEN_NOTIFY_TOPIC_ARN replaces the policy's, as the handlers apply it).
 */
export function handlerPermissions(
  handler: HandlerName,
  policy: Policy,
  stackTopicArn: string,
): Permission[] {
  switch (handler) {
    case 'scheduled':
    case 'remediate': {
      const asRun = withNotifyTopic(policy, { KEYWARDEN_NOTIFY_TOPIC_ARN: stackTopicArn }).policy;
      return unique([lambdaRemediationPermissions(asRun), JOURNAL_TABLE_PERMISSIONS]);
    }
    case 'config-rule':
      // It changes nothing; it reads the journal for Keywarden's own rotations in progress.
      return unique([configRulePermissions(policy), JOURNAL_READ_PERMISSIONS]);
    default:
      return handler satisfies never;
  }
}
