import type { Policy } from './policy/types.js';

/** The Lambda handlers, by the file name of their entry in src/lambda: one list for the CDK app, `keywarden invoke` and the bundler. */

/** The account stack's handlers. */
export const ACCOUNT_HANDLER_NAMES = ['scheduled', 'config-rule', 'remediate'] as const;

/** The organization stack's handlers. */
export const ORG_HANDLER_NAMES = ['org-accounts', 'org-worker', 'org-report'] as const;

/** Every handler with an entry in src/lambda. */
export const LAMBDA_HANDLER_NAMES = [...ACCOUNT_HANDLER_NAMES, ...ORG_HANDLER_NAMES] as const;

/** The environment variables the handlers read (set by the CDK app; see docs/lambda.md). */
export const ENV = {
  policyParameter: 'KEYWARDEN_POLICY_PARAMETER',
  policyFile: 'KEYWARDEN_POLICY_FILE',
  journal: 'KEYWARDEN_JOURNAL',
  maxActions: 'KEYWARDEN_MAX_ACTIONS',
  notifyTopicArn: 'KEYWARDEN_NOTIFY_TOPIC_ARN',
} as const;

/** The environment variables of the organization handlers, besides those in ENV. */
export const ORG_ENV = {
  /** org-accounts: only accounts under these OUs or roots (comma-separated ids, child OUs included). */
  ous: 'KEYWARDEN_ORG_OUS',
  /** org-accounts: only these account ids (comma-separated). */
  includeAccounts: 'KEYWARDEN_INCLUDE_ACCOUNTS',
  /** org-accounts: leave these account ids out (comma-separated). */
  excludeAccounts: 'KEYWARDEN_EXCLUDE_ACCOUNTS',
  /** org-worker: the role assumed in each account. */
  memberRoleName: 'KEYWARDEN_MEMBER_ROLE_NAME',
  /** org-worker: the external id the member role's trust requires (optional). */
  memberExternalId: 'KEYWARDEN_MEMBER_EXTERNAL_ID',
  /** org-worker and org-report: the bucket the reports go to. */
  reportBucket: 'KEYWARDEN_REPORT_BUCKET',
  /** The version of Keywarden the stack was synthesized from, for the reports' `tool`. */
  version: 'KEYWARDEN_VERSION',
} as const;

/** The role the KeywardenOrganization stack's StackSet installs in every member account. */
export const DEFAULT_MEMBER_ROLE_NAME = 'KeywardenMemberRole';

/**
 * KEYWARDEN_NOTIFY_TOPIC_ARN, when set, is the security team's SNS topic: it becomes the policy's
 * SNS channel (the stack's own topic wins over one written in the policy, with a warning).
 */
export function withNotifyTopic(
  policy: Policy,
  env: Readonly<Record<string, string | undefined>>,
): { readonly policy: Policy; readonly warnings: string[] } {
  const topicArn = env[ENV.notifyTopicArn];
  if (!topicArn) return { policy, warnings: [] };
  const current = policy.notifications.sns?.topicArn ?? null;
  const warnings =
    current !== null && current !== topicArn
      ? [`${ENV.notifyTopicArn} ${topicArn} replaces notifications.sns.topicArn ${current}`]
      : [];
  return { policy: { ...policy, notifications: { ...policy.notifications, sns: { topicArn } } }, warnings };
}

/**
 * What KeywardenAwsNative does when ACCESS_KEYS_ROTATED finds a key too old. `notify` (the default):
 * a notice to the stack's topic, since only a person (or KeywardenAccount) can rotate a key in use.
 * `revoke-unused-credentials`: also the pairing AWS-native articles build, the managed runbook
 * AWSConfigRemediation-RevokeUnusedIAMUserCredentials, which revokes and never rotates.
 */
export const ACCESS_KEYS_ROTATED_REMEDIATIONS = ['notify', 'revoke-unused-credentials'] as const;
export type AccessKeysRotatedRemediation = (typeof ACCESS_KEYS_ROTATED_REMEDIATIONS)[number];

/** The CDK context key that chooses it (`keywarden synth`/`deploy --access-keys-rotated-remediation`). */
export const ACCESS_KEYS_ROTATED_CONTEXT_KEY = 'keywarden:access-keys-rotated-remediation';

/** What `synth`, `deploy` and the CDK app say when the revoke runbook remediates ACCESS_KEYS_ROTATED. */
export const REVOKE_RUNBOOK_PAIRING_WARNING =
  'KeywardenAwsNative: ACCESS_KEYS_ROTATED is remediated by AWSConfigRemediation-RevokeUnusedIAMUserCredentials ' +
  '(--access-keys-rotated-remediation revoke-unused-credentials). That runbook revokes and never rotates: no old ' +
  'key gets a replacement, and a runbook version that judges a key by its creation date deactivates one still in ' +
  'use (an outage). See docs/deploy.md';
