/**
 * cdk-nag's AwsSolutions pack on the app, and the few acknowledgments Keywarden needs, each with
 * its reason and each for one finding id on one construct (cdk-nag 3 acknowledges per finding).
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import {
  NAG_PSEUDO_RESOURCES,
  type ResourceScope,
  resourcesFor,
  type ScopeResources,
  type StatementSpec,
  scopeOf,
} from './permissions.js';

/** Runs the AwsSolutions checks when the app synthesizes; an unacknowledged finding fails the synth. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Acknowledges one AwsSolutions-IAM5 finding (a wildcard `resource`, as cdk-nag writes it) on one
 * construct, in the namespaced form cdk-nag's own report asks for.
 */
export function acknowledgeWildcard(scope: IConstruct, resource: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`, reason });
}

/** Why a scope's wildcard resource is as narrow as IAM allows. */
const WILDCARD_REASONS: Partial<Record<ResourceScope, string>> = {
  account:
    'These actions support no resource-level permissions (the credential report, account authorization ' +
    'details and summary, ListUsers, GetCallerIdentity, Config PutEvaluations); AWS documents Resource "*".',
  'iam-user':
    'Keywarden audits and remediates every IAM user of the account, so it acts on user/*; changes to users ' +
    'tagged with the exemption tag are explicitly denied.',
  secret:
    'Replacement keys are stored as one secret per user, <prefix>/<account>/<user>, created at run time; ' +
    'the grant is limited to the policy prefix.',
};

const ALIAS_KEY_REASON =
  'remediation.secretKmsKeyId names a key by alias, which IAM cannot use as a resource; the grant is limited ' +
  'to the key that carries that alias (kms:ResourceAliases).';

/**
 * Acknowledges, on `scope` (the policy holding `statements`), exactly the AwsSolutions-IAM5
 * findings the statements' wildcard resources raise, with the reason for each. Only the scopes in
 * WILDCARD_REASONS have wildcard resources; any other finding is left to fail the synth.
 */
export function acknowledgeWildcardResources(
  scope: IConstruct,
  statements: readonly StatementSpec[],
  secretNamePrefix: string,
): void {
  const asNagSees: ScopeResources = {
    ...NAG_PSEUDO_RESOURCES,
    secretNamePrefix,
    parameterArns: [],
    topicArns: [],
    emailFrom: null,
    journalTableArn: null,
  };
  const seen = new Set<string>();
  for (const statement of statements) {
    const first = statement.actions[0];
    if (statement.effect !== 'Allow' || first === undefined) continue;
    if (statement.sid === 'ReplacementKeySecretsKey') {
      // Not a declared permission: the secrets' key, a wildcard only when named by alias.
      if (statement.resources.some((x) => x.endsWith(':key/*'))) {
        acknowledgeWildcard(
          scope,
          'arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*',
          ALIAS_KEY_REASON,
        );
      }
      continue;
    }
    const scopeName = scopeOf(first);
    const reason = WILDCARD_REASONS[scopeName];
    if (reason === undefined) continue;
    for (const resource of resourcesFor(scopeName, asNagSees)) {
      if (!resource.includes('*') || seen.has(resource)) continue;
      seen.add(resource);
      acknowledgeWildcard(scope, resource, reason);
    }
  }
}
