/**
 * Least-privilege IAM statements built from the permissions Keywarden's calls declare
 * (src/aws/permissions.ts and each module's own list). Every permission is given the resources it
 * acts on (an IAM user, a secret under Keywarden's prefix, the stack's topic...); a permission this
 * module cannot scope stops the synth, so a newly declared call cannot slip into a role as `*`.
 *
 * Pure: it works on strings (ARNs may hold CDK tokens) and returns plain data that the stack turns
 * into `PolicyStatement`s, so tests can read the result without synthesizing anything.
 */
import type { Permission } from '../core/permission.js';

/** What a permission acts on, which decides the `Resource` of its statement. */
export type ResourceScope =
  /** The action supports no resource-level permission (AWS documents `*`). */
  | 'account'
  /** Any IAM user of the account: Keywarden audits and remediates all of them. */
  | 'iam-user'
  /** Secrets under the policy's `remediation.secretNamePrefix`. */
  | 'secret'
  /** The SSM parameters the policy and the stack name (policy, exclusion list, Slack webhook). */
  | 'ssm-parameter'
  /** The SNS topics notifications go to. */
  | 'sns-topic'
  /** The SES identities of `notifications.email.from`. */
  | 'ses-identity'
  /** The DynamoDB journal table. */
  | 'journal-table'
  | 'security-hub-hub'
  | 'security-hub-product'
  /** The role assumed in each member account of a multi-account run. */
  | 'member-role'
  /** The organization run's report bucket itself (s3:ListBucket). */
  | 'report-bucket'
  /** The objects of the organization runs in the report bucket (runs/...). */
  | 'report-object';

/**
 * The resource scope of every permission Keywarden declares. A new declared permission needs a
 * line here (test/infra/permissions.test.ts checks the registry against this table).
 */
const PERMISSION_SCOPES: Readonly<Record<Permission, ResourceScope>> = {
  'iam:GenerateCredentialReport': 'account',
  'iam:GetCredentialReport': 'account',
  'iam:GetAccountAuthorizationDetails': 'account',
  'iam:GetAccountSummary': 'account',
  'iam:ListUsers': 'account',
  'sts:GetCallerIdentity': 'account',
  'config:PutEvaluations': 'account',
  'iam:GetUser': 'iam-user',
  'iam:ListAccessKeys': 'iam-user',
  'iam:GetAccessKeyLastUsed': 'iam-user',
  'iam:GetLoginProfile': 'iam-user',
  'iam:ListGroupsForUser': 'iam-user',
  'iam:ListMFADevices': 'iam-user',
  'iam:ListAttachedUserPolicies': 'iam-user',
  'iam:CreateAccessKey': 'iam-user',
  'iam:UpdateAccessKey': 'iam-user',
  'iam:DeleteAccessKey': 'iam-user',
  'iam:DeleteLoginProfile': 'iam-user',
  'secretsmanager:CreateSecret': 'secret',
  'secretsmanager:PutSecretValue': 'secret',
  'secretsmanager:TagResource': 'secret',
  'secretsmanager:DescribeSecret': 'secret',
  'organizations:ListAccounts': 'account',
  'organizations:ListAccountsForParent': 'account',
  'organizations:ListChildren': 'account',
  'sts:AssumeRole': 'member-role',
  's3:ListBucket': 'report-bucket',
  's3:GetObject': 'report-object',
  's3:PutObject': 'report-object',
  'ssm:GetParameter': 'ssm-parameter',
  'sns:Publish': 'sns-topic',
  'ses:SendEmail': 'ses-identity',
  'securityhub:GetFindings': 'security-hub-hub',
  'securityhub:BatchImportFindings': 'security-hub-product',
  'securityhub:BatchUpdateFindings': 'security-hub-hub',
  'dynamodb:GetItem': 'journal-table',
  'dynamodb:PutItem': 'journal-table',
  'dynamodb:UpdateItem': 'journal-table',
  'dynamodb:DeleteItem': 'journal-table',
  'dynamodb:Query': 'journal-table',
  'dynamodb:Scan': 'journal-table',
  'dynamodb:ConditionCheckItem': 'journal-table',
  'dynamodb:DescribeTable': 'journal-table',
  'dynamodb:CreateTable': 'journal-table',
  'dynamodb:DescribeContinuousBackups': 'journal-table',
  'dynamodb:UpdateContinuousBackups': 'journal-table',
  'dynamodb:DescribeTimeToLive': 'journal-table',
  'dynamodb:UpdateTimeToLive': 'journal-table',
};

/** The account, region and resources the statements name; values may be CDK tokens. */
export interface ScopeResources {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  /** `remediation.secretNamePrefix`: secrets are `<prefix>/<accountId>/<userName>`. */
  readonly secretNamePrefix: string;
  /** ARNs of the SSM parameters read (the policy parameter, exclusion list, Slack webhook): see parameterArn. */
  readonly parameterArns: readonly string[];
  readonly topicArns: readonly string[];
  /** `notifications.email.from`, or null when no email channel is configured. */
  readonly emailFrom: string | null;
  readonly journalTableArn: string | null;
  /** `arn:<partition>:iam::*:role/<member role name>` for a stack that works in member accounts. */
  readonly memberRoleArn?: string | null;
  /** The organization run's report bucket (its ARN), for the organization stack's handlers. */
  readonly reportBucketArn?: string | null;
}

/** One IAM statement as plain data. */
export interface StatementSpec {
  readonly sid: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly Permission[];
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Thrown when a permission has no scope or a scope has no resource: the role cannot be built. */
class PermissionScopeError extends Error {
  override readonly name = 'PermissionScopeError';
}

/** The scope of a declared permission, or an error naming it and where to add it. */
export function scopeOf(permission: Permission): ResourceScope {
  const scope = PERMISSION_SCOPES[permission];
  if (scope === undefined) {
    throw new PermissionScopeError(
      `permission ${permission} has no resource scope: add it to PERMISSION_SCOPES in src/infra/permissions.ts`,
    );
  }
  return scope;
}

/** The ARN of an SSM parameter given by name (`/a/b` or `a`) or already as an ARN. */
export function parameterArn(name: string, r: Pick<ScopeResources, 'partition' | 'region' | 'accountId'>) {
  if (name.startsWith('arn:')) return name;
  return `arn:${r.partition}:ssm:${r.region}:${r.accountId}:parameter/${name.replace(/^\/+/, '')}`;
}

/** SES authorizes SendEmail on the identity that verified the sender: the address or its domain. */
function sesIdentityArns(from: string, r: ScopeResources): string[] {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
  const domain = address.split('@')[1];
  const arn = (identity: string) => `arn:${r.partition}:ses:${r.region}:${r.accountId}:identity/${identity}`;
  return [arn(address), ...(domain ? [arn(domain)] : [])];
}

const unique = (values: readonly string[]) => [...new Set(values)];

/** The resources a scope grants; an error when the stack provides none (a wiring mistake). */
export function resourcesFor(scope: ResourceScope, r: ScopeResources): string[] {
  const none = (what: string): never => {
    throw new PermissionScopeError(`a permission needs ${what}, but the stack provides none`);
  };
  switch (scope) {
    case 'account':
      return ['*'];
    case 'iam-user':
      return [`arn:${r.partition}:iam::${r.accountId}:user/*`];
    case 'secret':
      return [`arn:${r.partition}:secretsmanager:${r.region}:${r.accountId}:secret:${r.secretNamePrefix}/*`];
    case 'ssm-parameter':
      return r.parameterArns.length > 0 ? unique(r.parameterArns) : none('an SSM parameter');
    case 'sns-topic':
      return r.topicArns.length > 0 ? unique(r.topicArns) : none('an SNS topic');
    case 'ses-identity':
      return r.emailFrom !== null ? sesIdentityArns(r.emailFrom, r) : none('an email sender');
    case 'journal-table':
      return r.journalTableArn !== null ? [r.journalTableArn] : none('a journal table');
    case 'security-hub-hub':
      return [`arn:${r.partition}:securityhub:${r.region}:${r.accountId}:hub/default`];
    case 'security-hub-product':
      return [`arn:${r.partition}:securityhub:${r.region}:${r.accountId}:product/${r.accountId}/default`];
    case 'member-role':
      return r.memberRoleArn ? [r.memberRoleArn] : none('a member account role');
    case 'report-bucket':
      return r.reportBucketArn ? [r.reportBucketArn] : none('a report bucket');
    case 'report-object':
      return r.reportBucketArn ? [`${r.reportBucketArn}/runs/*`] : none('a report bucket');
    default:
      return scope satisfies never;
  }
}

const SIDS: Readonly<Record<ResourceScope, string>> = {
  account: 'AccountLevelReads',
  'iam-user': 'IamUsers',
  secret: 'ReplacementKeySecrets',
  'ssm-parameter': 'Parameters',
  'sns-topic': 'NotificationTopics',
  'ses-identity': 'EmailSender',
  'journal-table': 'JournalTable',
  'security-hub-hub': 'SecurityHubFindings',
  'security-hub-product': 'SecurityHubImport',
  'member-role': 'MemberAccountRole',
  'report-bucket': 'ReportBucket',
  'report-object': 'ReportObjects',
};

/** One Allow statement per resource scope, actions sorted, so the template is stable. */
export function allowStatements(permissions: readonly Permission[], r: ScopeResources): StatementSpec[] {
  const byScope = new Map<ResourceScope, Set<Permission>>();
  for (const permission of permissions) {
    const scope = scopeOf(permission);
    const set = byScope.get(scope) ?? new Set<Permission>();
    set.add(permission);
    byScope.set(scope, set);
  }
  return [...byScope.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([scope, actions]) => ({
      sid: SIDS[scope],
      effect: 'Allow' as const,
      actions: [...actions].sort(),
      resources: resourcesFor(scope, r),
    }));
}

/** True for a permission that changes an IAM user (its keys or its login profile). */
function changesUser(permission: Permission): boolean {
  const [service, action = ''] = permission.split(':');
  return service === 'iam' && scopeOf(permission) === 'iam-user' && !/^(Get|List)/.test(action);
}

/**
 * The explicit Deny that keeps an exemption tag effective even if the code were wrong: no change to
 * a user that carries `tagKey`, whatever its value (an expired dated exemption must have its tag
 * removed before Keywarden in AWS can change the user). Null when the role changes no user.
 */
export function exemptTagDeny(
  permissions: readonly Permission[],
  tagKey: string,
  r: Pick<ScopeResources, 'partition' | 'accountId'>,
): StatementSpec | null {
  const actions = unique(permissions.filter(changesUser)).sort() as Permission[];
  if (actions.length === 0) return null;
  return {
    sid: 'DenyChangesToExemptUsers',
    effect: 'Deny',
    actions,
    resources: [`arn:${r.partition}:iam::${r.accountId}:user/*`],
    conditions: { Null: { [`aws:ResourceTag/${tagKey}`]: 'false' } },
  };
}

/** The SSM parameters a policy makes Keywarden read: the exclusion list and the Slack webhook URL. */
export function policyParameterNames(policy: {
  readonly exemptions: { readonly ssmParameter: { readonly name: string } | null };
  readonly notifications: { readonly slack: { readonly webhookUrlSsmParameter: string | null } | null };
}): string[] {
  return [
    policy.exemptions.ssmParameter?.name ?? null,
    policy.notifications.slack?.webhookUrlSsmParameter ?? null,
  ].filter((name): name is string => name !== null && name !== '');
}

/**
 * How cdk-nag names the wildcard resources of these statements in its findings
 * (`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*]`): the same
 * ARNs with the pseudo parameters written as cdk-nag writes them.
 */
export const NAG_PSEUDO_RESOURCES = {
  partition: '<AWS::Partition>',
  accountId: '<AWS::AccountId>',
  region: '<AWS::Region>',
} as const;

/**
 * The key use Secrets Manager needs from the caller when `remediation.secretKmsKeyId` names a
 * customer managed key (a key id, key ARN, alias name or alias ARN); null for the AWS managed key.
 * An alias cannot be a resource, so it becomes a condition on the account's keys.
 */
export function secretKeyStatement(
  keyId: string | null,
  r: Pick<ScopeResources, 'partition' | 'region' | 'accountId'>,
): StatementSpec | null {
  if (keyId === null || keyId === '') return null;
  const actions: Permission[] = ['kms:Decrypt', 'kms:GenerateDataKey'];
  const alias = /^(?:arn:[^:]+:kms:[^:]*:[^:]*:)?(alias\/.+)$/.exec(keyId)?.[1];
  if (alias !== undefined) {
    return {
      sid: 'ReplacementKeySecretsKey',
      effect: 'Allow',
      actions,
      resources: [`arn:${r.partition}:kms:${r.region}:${r.accountId}:key/*`],
      conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias } },
    };
  }
  const arn = keyId.startsWith('arn:')
    ? keyId
    : `arn:${r.partition}:kms:${r.region}:${r.accountId}:key/${keyId}`;
  return { sid: 'ReplacementKeySecretsKey', effect: 'Allow', actions, resources: [arn] };
}
