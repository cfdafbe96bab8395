/**
 * The organization run's report bucket (S3): each worker writes its account's report there, and the
 * report step reads them back one at a time and writes the organization report beside them. Keys:
 *
 *     runs/<runId>/accounts/<accountId>.json    one account's result and audit report
 *     runs/<runId>/organization.json            the organization report
 *     runs/<runId>/organization.html            the same, for people
 *
 * A custom endpoint (moto, a local S3) is addressed path-style, as local S3 servers need.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../sdk/clients.js';
import type { AwsConnection } from '../sdk/connection.js';
import { AwsErrorCode, callAws, orNullWhenMissing } from '../sdk/errors.js';

/** The prefix every object of one run lives under. */
function runPrefix(runId: string): string {
  return `runs/${runId}/`;
}

/** Where the worker writes one account's report. */
export function accountReportKey(runId: string, accountId: string): string {
  return `${runPrefix(runId)}accounts/${accountId}.json`;
}

/** Where the report step writes the organization report (`json` or `html`). */
export function organizationReportKey(runId: string, format: 'json' | 'html'): string {
  return `${runPrefix(runId)}organization.${format}`;
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** An S3 client for `connection`; `endpoint` (AWS_ENDPOINT_URL_S3) overrides the connection's. */
export function reportBucketClient(connection: AwsConnection, endpoint?: string): S3Client {
  const config = clientConfig(connection);
  const custom = endpoint || ('endpoint' in config ? config.endpoint : undefined);
  return new S3Client({ ...config, ...(custom ? { endpoint: custom, forcePathStyle: true } : {}) });
}

/** Writes one object (JSON or HTML, UTF-8), encrypted with the bucket's default key. */
export async function putReportObject(
  client: S3Client,
  bucket: string,
  key: string,
  body: string,
  contentType: 'application/json' | 'text/html',
): Promise<void> {
  await callAws('s3:PutObject', s3Uri(bucket, key), () =>
    client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: `${contentType}; charset=utf-8`,
      }),
    ),
  );
}

/** One object's text, or null when the key does not exist. */
export async function getReportObject(client: S3Client, bucket: string, key: string): Promise<string | null> {
  return orNullWhenMissing(AwsErrorCode.NoSuchKey, () =>
    callAws('s3:GetObject', s3Uri(bucket, key), async () => {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await out.Body?.transformToString('utf-8')) ?? '';
    }),
  );
}
