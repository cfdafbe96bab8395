/**
 * `KeywardenOrganization`: Keywarden across an AWS Organization, deployed once in the management
 * account or a delegated administrator account (the hub). An EventBridge schedule starts a Step
 * Functions state machine: org-accounts lists the accounts (the CLI's filters), a Distributed Map
 * runs org-worker once per account (it assumes KeywardenMemberRole there and runs the scheduled
 * lifecycle; a failure is caught per account), and org-report writes the organization report to the
 * report bucket and the digest to the central topic. StackSets install KeywardenMemberRole in the
 * member accounts; an AWS Config aggregator shows the organization's compliance in one place.
 *
 * Each part is declared by its own file. The parts that are not constructs of their own declare their
 * resources in the stack's scope: a wrapping construct would add a component to every construct path
 * inside it, changing the logical ids, and CloudFormation would replace those resources.
 */
import { CfnOutput, type CfnStackSet, Stack, type StackProps } from 'aws-cdk-lib';
import type * as config from 'aws-cdk-lib/aws-config';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Policy } from '../core/policy/types.js';
import { EncryptedTopic } from './encrypted-topic.js';
import type { OrgHandlerName } from './handler-permissions.js';
import { JournalTable } from './journal-table.js';
import type { KeywardenFunction } from './keywarden-function.js';
import { memberRoleStackSets } from './member-role-stack-sets.js';
import { organizationConfigAggregator } from './organization-config-aggregator.js';
import { organizationHandlers } from './organization-handlers.js';
import { type MemberTemplateOptions, memberRoleTemplate } from './organization-member-role.js';
import { organizationParameters } from './organization-parameters.js';
import { organizationRun } from './organization-run.js';
import type { StatementSpec } from './permissions.js';
import { PolicyParameter } from './policy-parameter.js';
import { reportBucket } from './report-bucket.js';

export interface KeywardenOrganizationStackProps extends StackProps {
  /** The policy every account is audited and remediated with; stored in the stack's SSM parameter. */
  readonly policy: Policy;
  /** Where the policy came from (a file name), for descriptions. @default 'the default policy' */
  readonly policySource?: string;
  /** How the member role's template is checked when it is synthesized. @default nag and validation on */
  readonly memberTemplate?: MemberTemplateOptions;
}

export class KeywardenOrganizationStack extends Stack {
  readonly journal: JournalTable;
  readonly topic: EncryptedTopic;
  readonly bucket: s3.Bucket;
  readonly policyParameter: PolicyParameter;
  readonly functions: Readonly<Record<OrgHandlerName, KeywardenFunction>>;
  /** The statements each handler's role holds besides its logs and the topic's key. */
  readonly statements: Readonly<Record<OrgHandlerName, readonly StatementSpec[]>>;
  readonly stateMachine: sfn.StateMachine;
  readonly memberTemplate: string;
  readonly serviceManagedStackSet: CfnStackSet;
  readonly selfManagedStackSet: CfnStackSet;
  readonly aggregator: config.CfnConfigurationAggregator;

  constructor(scope: Construct, id: string, props: KeywardenOrganizationStackProps) {
    super(scope, id, {
      description:
        'Keywarden organization hub: audits and remediates IAM user credentials in every account of the organization (Step Functions fan-out), member roles by StackSet, central topic, Config aggregator',
      ...props,
    });
    const { policy } = props;
    // The Map's ResultWriter (ResultWriterV2) is written only under this feature flag.
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    // Server access logs are delivered under a bucket policy, not the legacy log-delivery ACL.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    const parameters = organizationParameters(this, policy.remediation.maxActions);

    // Storage and notifications.
    this.policyParameter = new PolicyParameter(this, 'Policy', {
      policy,
      parameterName: '/keywarden/organization/policy',
      ...(props.policySource === undefined ? {} : { source: props.policySource }),
    });
    this.journal = new JournalTable(this, 'Journal');
    // The organization run's digest, the workers' notices, the hub's alarms, and the digests of
    // accounts that run KeywardenAccount and publish here.
    this.topic = new EncryptedTopic(this, 'CentralTopic', {
      displayName: 'Keywarden organization',
      keyDescription: "Keywarden: encrypts the organization's central topic",
      publishersFromOrganization: parameters.organizationId.valueAsString,
      publisherKeySid: 'CentralTopicKey',
    });
    this.bucket = reportBucket(this, { retentionDays: parameters.retentionDays.valueAsNumber });

    // The handlers: least privilege from the declared permissions.
    const handlers = organizationHandlers(this, {
      policy,
      policyParameter: this.policyParameter,
      journal: this.journal,
      topic: this.topic,
      bucket: this.bucket,
      parameters,
    });
    this.functions = handlers.functions;
    this.statements = handlers.statements;

    // The state machine: list → one worker per account (Distributed Map) → report, on a schedule.
    this.stateMachine = organizationRun(this, {
      functions: this.functions,
      bucket: this.bucket,
      scheduleExpression: parameters.scheduleExpression.valueAsString,
      maxConcurrency: parameters.maxConcurrency.valueAsNumber,
      toleratedFailurePercentage: parameters.toleratedFailurePercentage.valueAsNumber,
    });

    // Member roles: a service-managed StackSet for OUs, a self-managed one for listed accounts.
    this.memberTemplate = memberRoleTemplate(policy, props.memberTemplate);
    const workerRoleArn = this.functions['org-worker'].role.roleArn;
    const stackSets = memberRoleStackSets(this, {
      templateBody: this.memberTemplate,
      workerRoleArn,
      externalId: parameters.externalId.valueAsString,
      callAs: parameters.callAs.valueAsString,
      memberOus: parameters.memberOus.valueAsList,
      memberAccounts: parameters.memberAccounts.valueAsList,
      hasMemberOus: parameters.hasMemberOus,
      hasMemberAccounts: parameters.hasMemberAccounts,
    });
    this.serviceManagedStackSet = stackSets.serviceManaged;
    this.selfManagedStackSet = stackSets.selfManaged;

    this.aggregator = organizationConfigAggregator(this);

    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ReportBucketName', {
      value: this.bucket.bucketName,
      description: 'Reports: s3://<this>/runs/<runId>/organization.json (and .html, accounts/<id>.json)',
    });
    new CfnOutput(this, 'CentralTopicArn', {
      value: this.topic.topic.topicArn,
      description:
        'The central topic; KeywardenAccount stacks publish here with it as their CentralTopicArn parameter',
    });
    new CfnOutput(this, 'CentralTopicKeyArn', {
      value: this.topic.key.keyArn,
      description:
        "Publishers in other accounts need kms:GenerateDataKey and kms:Decrypt on this key: KeywardenAccount's CentralTopicKeyArn parameter",
    });
    new CfnOutput(this, 'WorkerRoleArn', {
      value: workerRoleArn,
      description: 'The only principal KeywardenMemberRole trusts',
    });
    new CfnOutput(this, 'JournalSpec', {
      value: this.journal.spec,
      description: 'The journal spec: keywarden history --journal <this>',
    });
  }
}
