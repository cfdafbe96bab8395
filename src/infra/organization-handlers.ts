/**
 * The hub's three handlers: org-accounts lists the organization's accounts, org-worker audits and
 * remediates one account through KeywardenMemberRole, org-report writes the organization report and
 * publishes the digest. Each gets least privilege from the declared permissions
 * (organization-permissions.ts) and the environment of docs/lambda.md. Declared in the stack's own
 * scope, so their logical ids (OrgAccounts…, OrgWorker…, OrgReport…) are those they always had.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { DEFAULT_MEMBER_ROLE_NAME, ENV, ORG_ENV } from '../core/deployment.js';
import type { Policy } from '../core/policy/types.js';
import type { EncryptedTopic } from './encrypted-topic.js';
import { PACKAGE_ROOT } from './entries.js';
import { handlerFunction } from './handler-function.js';
import type { OrgHandlerName } from './handler-permissions.js';
import type { JournalTable } from './journal-table.js';
import type { KeywardenFunction } from './keywarden-function.js';
import { acknowledgeWildcard } from './nag.js';
import type { OrganizationParameters } from './organization-parameters.js';
import { orgHandlerPermissions } from './organization-permissions.js';
import {
  allowStatements,
  parameterArn,
  policyParameterNames,
  type ScopeResources,
  type StatementSpec,
} from './permissions.js';
import type { PolicyParameter } from './policy-parameter.js';

export interface OrganizationHandlersProps {
  /** The policy the handlers run: its parameters, secrets and channels scope their statements. */
  readonly policy: Policy;
  readonly policyParameter: PolicyParameter;
  readonly journal: JournalTable;
  /** The central topic: the digest and the alarms go there; its key is granted to publishers. */
  readonly topic: EncryptedTopic;
  /** The report bucket the worker and the report write to. */
  readonly bucket: s3.Bucket;
  /** The stack's parameters the handlers' environment reads. */
  readonly parameters: OrganizationParameters;
}

export interface OrganizationHandlers {
  readonly functions: Readonly<Record<OrgHandlerName, KeywardenFunction>>;
  /** The statements each handler's role holds besides its logs and the topic's key. */
  readonly statements: Readonly<Record<OrgHandlerName, readonly StatementSpec[]>>;
}

/** The version of the package synthesizing the stack, for the reports' `tool`. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

/** Declares the three handlers' functions in `scope` (the stack), least privilege from their permissions. */
export function organizationHandlers(
  scope: Construct,
  props: OrganizationHandlersProps,
): OrganizationHandlers {
  const { policy, policyParameter, journal, topic, bucket, parameters } = props;
  const topicArn = topic.topic.topicArn;
  const pseudo = { partition: Aws.PARTITION, accountId: Aws.ACCOUNT_ID, region: Aws.REGION };
  const resources: ScopeResources = {
    ...pseudo,
    secretNamePrefix: policy.remediation.secretNamePrefix,
    parameterArns: [policyParameter.parameterName, ...policyParameterNames(policy)].map((name) =>
      parameterArn(name, pseudo),
    ),
    topicArns: [topicArn, ...(policy.notifications.sns ? [policy.notifications.sns.topicArn] : [])],
    emailFrom: policy.notifications.email?.from ?? null,
    journalTableArn: journal.table.tableArn,
    memberRoleArn: `arn:${Aws.PARTITION}:iam::*:role/${DEFAULT_MEMBER_ROLE_NAME}`,
    reportBucketArn: bucket.bucketArn,
  };
  const statementsFor = (handler: OrgHandlerName) =>
    allowStatements(orgHandlerPermissions(handler, policy, topicArn), resources);
  const statements: OrganizationHandlers['statements'] = {
    'org-accounts': statementsFor('org-accounts'),
    'org-worker': statementsFor('org-worker'),
    'org-report': statementsFor('org-report'),
  };
  const common = {
    POWERTOOLS_SERVICE_NAME: 'keywarden',
    [ORG_ENV.version]: packageVersion(),
  };
  const policied = {
    [ENV.policyParameter]: policyParameter.parameter.parameterName,
    [ENV.notifyTopicArn]: topicArn,
    [ORG_ENV.reportBucket]: bucket.bucketName,
  };
  const bucketLogicalId = Stack.of(scope).getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  const build = (
    constructId: string,
    handler: OrgHandlerName,
    options: {
      description: string;
      timeout: Duration;
      memorySize: number;
      environment: Record<string, string>;
    },
  ) => {
    const specs = statements[handler];
    const fn = handlerFunction(scope, constructId, {
      handler,
      ...options,
      // Step Functions invokes them synchronously and retries: no dead-letter queue.
      asyncInvoked: false,
      retryAttempts: 0,
      environment: { ...common, ...options.environment },
      specs,
      topic,
      secretNamePrefix: policy.remediation.secretNamePrefix,
    });
    for (const spec of specs) {
      if (spec.resources.some((r) => r.endsWith(`:role/${DEFAULT_MEMBER_ROLE_NAME}`))) {
        acknowledgeWildcard(
          fn.permissions,
          `arn:<AWS::Partition>:iam::*:role/${DEFAULT_MEMBER_ROLE_NAME}`,
          'The worker assumes KeywardenMemberRole in every account of the organization, which the run lists at run time; the member role trusts only this worker role.',
        );
      }
      if (spec.sid === 'ReportObjects') {
        acknowledgeWildcard(
          fn.permissions,
          `<${bucketLogicalId}.Arn>/runs/*`,
          "Each run writes its reports under runs/<runId>/ of the stack's own report bucket; the run id is made at run time.",
        );
      }
    }
    return fn;
  };
  const functions: OrganizationHandlers['functions'] = {
    'org-accounts': build('OrgAccounts', 'org-accounts', {
      description: "Keywarden organization run: lists the organization's accounts with the CLI's filters",
      timeout: Duration.minutes(5),
      memorySize: 512,
      environment: {
        [ORG_ENV.ous]: parameters.auditOus.valueAsString,
        [ORG_ENV.includeAccounts]: parameters.includeAccounts.valueAsString,
        [ORG_ENV.excludeAccounts]: parameters.excludeAccounts.valueAsString,
      },
    }),
    'org-worker': build('OrgWorker', 'org-worker', {
      description:
        'Keywarden organization run: audits and remediates one account through KeywardenMemberRole',
      timeout: Duration.minutes(15),
      memorySize: 1024,
      environment: {
        ...policied,
        [ENV.journal]: journal.spec,
        [ENV.maxActions]: parameters.maxActions.valueAsString,
        [ORG_ENV.memberRoleName]: DEFAULT_MEMBER_ROLE_NAME,
        [ORG_ENV.memberExternalId]: parameters.externalId.valueAsString,
      },
    }),
    'org-report': build('OrgReport', 'org-report', {
      description: 'Keywarden organization run: the organization report and the digest',
      timeout: Duration.minutes(15),
      memorySize: 1024,
      environment: policied,
    }),
  };
  return { functions, statements };
}
