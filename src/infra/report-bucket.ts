/**
 * The organization's report bucket: the organization run writes its reports under runs/<runId>/
 * and the Distributed Map its results; a second bucket keeps the report bucket's server access
 * logs. Both are private, SSL-only and kept when the stack is deleted; objects expire after the
 * retention. Declared in the stack's own scope, so their logical ids are those they always had.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface ReportBucketProps {
  /** Days an object (report or access log) stays before it expires; a token for a stack parameter. */
  readonly retentionDays: number;
}

/** Declares the report bucket `Reports` and its access log bucket `ReportsAccessLogs` in `scope`. */
export function reportBucket(scope: Construct, props: ReportBucketProps): s3.Bucket {
  const accessLogs = new s3.Bucket(scope, 'ReportsAccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [{ expiration: Duration.days(props.retentionDays) }],
  });
  return new s3.Bucket(scope, 'Reports', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: 'reports/',
    lifecycleRules: [{ expiration: Duration.days(props.retentionDays) }],
  });
}
