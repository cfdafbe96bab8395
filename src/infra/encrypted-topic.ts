/**
 * An SNS topic encrypted with its own KMS key (rotated yearly, kept when the stack is deleted),
 * accepting TLS only. CloudWatch may publish to it for this account's alarms only. With
 * `publishersFromOrganization`, any principal of that organization may publish too: both the topic
 * policy and the key policy say so with `aws:PrincipalOrgID`, the key only through SNS
 * (`kms:ViaService`). KeywardenAccount's notification topic and KeywardenOrganization's central
 * topic are both this construct.
 */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface EncryptedTopicProps {
  /** The topic's display name, 1 to 100 characters. */
  readonly displayName: string;
  /** The key's description. */
  readonly keyDescription: string;
  /**
   * An organization id (`o-…`, may be a CloudFormation parameter's value): principals of that
   * organization may publish and use the key through SNS. @default only this account's alarms publish
   */
  readonly publishersFromOrganization?: string;
  /** The Sid of publisherKeyStatement(). @default 'TopicKey' */
  readonly publisherKeySid?: string;
}

export class EncryptedTopic extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;
  private readonly publisherKeySid: string;

  constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id);
    const { displayName } = props;
    if (displayName.length === 0 || displayName.length > 100) {
      throw new Error(
        `EncryptedTopic ${id}: displayName must be 1 to 100 characters (got ${displayName.length})`,
      );
    }
    this.publisherKeySid = props.publisherKeySid ?? 'TopicKey';
    this.key = new kms.Key(this, 'Key', {
      description: props.keyDescription,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.topic = new sns.Topic(this, 'Topic', { displayName, masterKey: this.key, enforceSSL: true });

    if (props.publishersFromOrganization !== undefined) {
      const organizationId = props.publishersFromOrganization;
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OrganizationPublish',
          principals: [new iam.AnyPrincipal()],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
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
              'aws:PrincipalOrgID': organizationId,
              'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com`,
            },
          },
        }),
      );
    }

    // CloudWatch alarms publish to the encrypted topic as the CloudWatch service, for this account's alarms only.
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

  /**
   * What a publisher of this account needs besides sns:Publish (declared by the SNS channel): the
   * topic's key, to encrypt the message.
   */
  publisherKeyStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: this.publisherKeySid,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [this.key.keyArn],
    });
  }
}
