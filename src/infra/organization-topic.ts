/**
 * The organization's central security topic: the organization run's digest, the workers' notices,
 * the hub's alarms, and the digests of accounts that run KeywardenAccount and publish here. SNS with
 * its own KMS key (rotated yearly); both policies let principals publish only from inside the
 * organization (`aws:PrincipalOrgID`), the key only through SNS (`kms:ViaService`).
 */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface CentralTopicProps {
  /** The organization's id (`o-…`); may be a CloudFormation parameter's value. */
  readonly organizationId: string;
  /** @default 'Keywarden organization' */
  readonly displayName?: string;
}

export class CentralTopic extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: CentralTopicProps) {
    super(scope, id);
    const displayName = props.displayName ?? 'Keywarden organization';
    if (displayName.length === 0 || displayName.length > 100) {
      throw new Error(
        `CentralTopic ${id}: displayName must be 1 to 100 characters (got ${displayName.length})`,
      );
    }
    this.key = new kms.Key(this, 'Key', {
      description: "Keywarden: encrypts the organization's central topic",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.topic = new sns.Topic(this, 'Topic', { displayName, masterKey: this.key, enforceSSL: true });

    const fromOrganization = { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } };
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationPublish',
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOrganization,
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationPublishEncrypt',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'aws:PrincipalOrgID': props.organizationId,
            'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com`,
          },
        },
      }),
    );

    // CloudWatch alarms publish as the CloudWatch service, for this account's alarms only.
    const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const fromOwnAlarms = {
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    };
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsPublish',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsEncrypt',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );
  }

  /** What a publisher of the hub account needs besides sns:Publish: the topic's key. */
  publisherKeyStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'CentralTopicKey',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [this.key.keyArn],
    });
  }
}
