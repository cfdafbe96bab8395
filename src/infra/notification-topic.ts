/**
 * The stack's SNS topic, encrypted with its own KMS key (rotated yearly): the handlers publish the
 * security team's digests to it (KEYWARDEN_NOTIFY_TOPIC_ARN) and the alarms notify it.
 */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface NotificationTopicProps {
  /** @default 'Keywarden notifications' */
  readonly displayName?: string;
}

export class NotificationTopic extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationTopicProps = {}) {
    super(scope, id);
    const displayName = props.displayName ?? 'Keywarden notifications';
    if (displayName.length === 0 || displayName.length > 100) {
      throw new Error(
        `NotificationTopic ${id}: displayName must be 1 to 100 characters (got ${displayName.length})`,
      );
    }
    this.key = new kms.Key(this, 'Key', {
      description: 'Keywarden: encrypts the notification topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName,
      masterKey: this.key,
      enforceSSL: true,
    });

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
   * What a publisher needs besides sns:Publish (declared by the SNS channel): the topic's key, to
   * encrypt the message.
   */
  publisherKeyStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'NotificationTopicKey',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [this.key.keyArn],
    });
  }
}
