/**
 * Test support for the CDK app: the unit-test synth (bundling skipped, the built-in CloudFormation
 * validation off: well under a second per stack) and policies written as policy files.
 */
import { Template } from 'aws-cdk-lib/assertions';
import type { AccessKeysRotatedRemediation } from '../../src/core/deployment.js';
import { parsePolicy } from '../../src/core/policy/resolve.js';
import { DEFAULT_POLICY, type Policy } from '../../src/core/policy/types.js';
import { buildApp, type KeywardenApp } from '../../src/infra/app.js';

/**
 * Each stack's CloudFormation parameters, in template order (the organization's: in docs/deploy.md's
 * order). Operators pass them by name at deploy time, so a rename is a breaking change; docs/deploy.md
 * documents each.
 */
export const ACCOUNT_PARAMETERS = [
  'ScheduleExpression',
  'MaxActions',
  'ConfigRuleFrequency',
  'RemediationMaxAttempts',
  'RemediationRetrySeconds',
  'GlobalResourcesRegion',
  'NotificationEmail',
  'CentralTopicArn',
  'CentralTopicKeyArn',
] as const;

export const AWS_NATIVE_PARAMETERS = [
  'MaxAccessKeyAge',
  'MaxCredentialUsageAge',
  'ConfigRuleFrequency',
  'RemediationMaxAttempts',
  'RemediationRetrySeconds',
  'GlobalResourcesRegion',
  'NotificationEmail',
] as const;

export const ORGANIZATION_PARAMETERS = [
  'OrganizationId',
  'ScheduleExpression',
  'MaxConcurrency',
  'ToleratedFailurePercentage',
  'MaxActions',
  'AuditOrganizationalUnitIds',
  'IncludeAccountIds',
  'ExcludeAccountIds',
  'MemberOrganizationalUnitIds',
  'MemberAccountIds',
  'StackSetCallAs',
  'MemberExternalId',
  'ReportRetentionDays',
] as const;

/** A policy from policy-file YAML, resolved like `keywarden validate` does; throws on an invalid one. */
export function policyFrom(yaml: string): Policy {
  const parsed = parsePolicy(yaml, 'test-policy.yaml');
  if (parsed.value === null) throw new Error(`invalid test policy: ${parsed.errors.join('; ')}`);
  return parsed.value;
}

export interface FastApp extends KeywardenApp {
  readonly accountTemplate: Template;
  readonly awsNativeTemplate: Template;
}

/** Both stacks for `policy`, synthesized the fast way; cdk-nag off unless asked (test/infra/nag.test.ts). */
export function fastApp(
  policy: Policy = DEFAULT_POLICY,
  options: { nag?: boolean; accessKeysRotatedRemediation?: AccessKeysRotatedRemediation } = {},
): FastApp {
  const built = buildApp({
    policy,
    bundling: false,
    validation: false,
    nag: options.nag ?? false,
    ...(options.accessKeysRotatedRemediation === undefined
      ? {}
      : { accessKeysRotatedRemediation: options.accessKeysRotatedRemediation }),
  });
  return {
    ...built,
    accountTemplate: Template.fromStack(built.account),
    awsNativeTemplate: Template.fromStack(built.awsNative),
  };
}

/** A CloudFormation resource of a template, by logical id. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly Condition?: string;
}

/** The resources of one type, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** The one resource of `type` whose logical id starts with `prefix` (construct path without the hash). */
export function resourceNamed(template: Template, type: string, prefix: string): [string, CfnResource] {
  const found = Object.entries(resourcesOf(template, type)).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type} named ${prefix}*, found ${found.map(([id]) => id).join(', ') || 'none'}`,
    );
  }
  return found[0]!;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, string>>;
}

/** The statements of a function's own policy (`<Function>Permissions`). */
export function functionStatements(template: Template, functionId: string): Statement[] {
  const [, policy] = resourceNamed(template, 'AWS::IAM::Policy', `${functionId}Permissions`);
  return (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
