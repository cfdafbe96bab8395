/**
 * Secrets Manager: where a new access key goes, and the only place its secret is ever written.
 * Nothing returned or thrown from here carries the secret.
 */
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { describeAwsError, errorName } from './errors.js';

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

/** Secrets Manager failed; the message never holds the secret value. */
export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * Stores the key as JSON `{AccessKeyId, SecretAccessKey, UserName, CreateDate}`: CreateSecret when
 * the name is free, else PutSecretValue (the new version becomes AWSCURRENT, the previous one
 * AWSPREVIOUS). The SDK's idempotency token makes its own retries safe.
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
  const tags = Object.entries(options.tags).map(([Key, Value]) => ({ Key, Value }));
  try {
    const out = await client.send(
      new CreateSecretCommand({
        Name: options.secretName,
        Description: `IAM access key of ${key.UserName}, created by Keywarden`,
        SecretString,
        ...(options.kmsKeyId === null ? {} : { KmsKeyId: options.kmsKeyId }),
        ...(tags.length === 0 ? {} : { Tags: tags }),
      }),
    );
    return {
      arn: out.ARN ?? null,
      versionId: out.VersionId ?? null,
      requestId: out.$metadata.requestId ?? null,
      updated: false,
    };
  } catch (error) {
    if (errorName(error) !== 'ResourceExistsException') throw redacted('CreateSecret', error, key);
  }
  try {
    const out = await client.send(new PutSecretValueCommand({ SecretId: options.secretName, SecretString }));
    return {
      arn: out.ARN ?? null,
      versionId: out.VersionId ?? null,
      requestId: out.$metadata.requestId ?? null,
      updated: true,
    };
  } catch (error) {
    throw redacted('PutSecretValue', error, key);
  }
}

/** A new error (not the SDK's, whose request may hold the secret) with any echo of it masked. */
function redacted(operation: string, error: unknown, key: NewAccessKey): SecretStoreError {
  const { code, message } = describeAwsError(error);
  const safe = message.split(key.SecretAccessKey).join('[REDACTED]');
  return new SecretStoreError(`secretsmanager:${operation} failed: ${code}: ${safe}`, code);
}
