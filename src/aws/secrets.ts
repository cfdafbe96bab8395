/**
 * Secrets Manager: where a new access key goes, and the only place its secret is ever written.
 * Nothing returned or thrown from here carries the secret.
 */
import { createHash } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AwsErrorCode, callAws, isAwsError, orNullWhenMissing } from '../sdk/errors.js';

/** A key fresh from CreateAccessKey; held only between create-key and store-secret. */
export interface NewAccessKey {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly UserName: string;
  readonly CreateDate: string;
}

export interface StoreSecretOptions {
  readonly secretName: string;
  /** KMS key for a new secret; null = the account's `aws/secretsmanager` key. */
  readonly kmsKeyId: string | null;
  /** Tags for a new secret. */
  readonly tags: Readonly<Record<string, string>>;
}

export interface StoredSecret {
  readonly arn: string | null;
  readonly versionId: string | null;
  readonly requestId: string | null;
  /** True when the secret existed and got a new AWSCURRENT version. */
  readonly updated: boolean;
}

/**
 * The version id a new key's secret is stored under (Secrets Manager's ClientRequestToken, 32 to 64
 * characters): derived from the key id, so whether a store completed can be asked later without
 * reading the secret, and a repeated store of the same key is the same version.
 */
function versionIdFor(accessKeyId: string): string {
  return `keywarden-${createHash('sha256').update(accessKeyId).digest('hex').slice(0, 40)}`;
}

/** Whether the secret holds `accessKeyId`'s version: a store of that key completed. */
export async function secretHoldsKey(
  client: SecretsManagerClient,
  secretName: string,
  accessKeyId: string,
): Promise<boolean> {
  const out = await orNullWhenMissing(AwsErrorCode.ResourceNotFound, () =>
    callAws('secretsmanager:DescribeSecret', secretName, () =>
      client.send(new DescribeSecretCommand({ SecretId: secretName })),
    ),
  );
  return out !== null && Object.hasOwn(out.VersionIdsToStages ?? {}, versionIdFor(accessKeyId));
}

/**
 * Stores the key as JSON `{AccessKeyId, SecretAccessKey, UserName, CreateDate}`: CreateSecret when
 * the name is free, else PutSecretValue (the new version becomes AWSCURRENT, the previous one
 * AWSPREVIOUS). The SDK's idempotency token makes its own retries safe. A failure's message has any
 * echo of the secret masked, and the SDK's error (whose request holds the secret) is not kept.
 */
export async function storeAccessKeySecret(
  client: SecretsManagerClient,
  key: NewAccessKey,
  options: StoreSecretOptions,
): Promise<StoredSecret> {
  const SecretString = JSON.stringify({
    AccessKeyId: key.AccessKeyId,
    SecretAccessKey: key.SecretAccessKey,
    UserName: key.UserName,
    CreateDate: key.CreateDate,
  });
  const redact = (text: string) => text.split(key.SecretAccessKey).join('[REDACTED]');
  const tags = Object.entries(options.tags).map(([Key, Value]) => ({ Key, Value }));
  try {
    const out = await callAws(
      'secretsmanager:CreateSecret',
      options.secretName,
      () =>
        client.send(
          new CreateSecretCommand({
            Name: options.secretName,
            Description: `IAM access key of ${key.UserName}, created by Keywarden`,
            SecretString,
            ClientRequestToken: versionIdFor(key.AccessKeyId),
            ...(options.kmsKeyId === null ? {} : { KmsKeyId: options.kmsKeyId }),
            ...(tags.length === 0 ? {} : { Tags: tags }),
          }),
        ),
      { redact },
    );
    return {
      arn: out.ARN ?? null,
      versionId: out.VersionId ?? null,
      requestId: out.$metadata.requestId ?? null,
      updated: false,
    };
  } catch (error) {
    if (!isAwsError(error, AwsErrorCode.ResourceExists)) throw error;
  }
  const out = await callAws(
    'secretsmanager:PutSecretValue',
    options.secretName,
    () =>
      client.send(
        new PutSecretValueCommand({
          SecretId: options.secretName,
          SecretString,
          ClientRequestToken: versionIdFor(key.AccessKeyId),
        }),
      ),
    { redact },
  );
  return {
    arn: out.ARN ?? null,
    versionId: out.VersionId ?? null,
    requestId: out.$metadata.requestId ?? null,
    updated: true,
  };
}
