/**
 * What the demo's simulated applications do with AWS: read the key Keywarden stored for them, and
 * sign a call with a key, as a running service would. Keywarden itself never reads a secret back;
 * the demo's story needs these, and the CLI reaches AWS only through the engine.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfig } from '../sdk/clients.js';
import type { AccountClients } from './types.js';

export interface AccessKeyPair {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The key in the secret `secretName` (Keywarden stores `{AccessKeyId, SecretAccessKey, ...}`). */
export async function readStoredKey(
  clients: Pick<AccountClients, 'secretsManager'>,
  secretName: string,
): Promise<AccessKeyPair> {
  const secret = await clients.secretsManager.send(new GetSecretValueCommand({ SecretId: secretName }));
  const stored = JSON.parse(secret.SecretString ?? '{}') as {
    AccessKeyId?: string;
    SecretAccessKey?: string;
  };
  return { accessKeyId: stored.AccessKeyId ?? '', secretAccessKey: stored.SecretAccessKey ?? '' };
}

/** One call signed with `key` at `endpoint` (sts:GetCallerIdentity): the key is used, as IAM records it. */
export async function callWithKey(endpoint: string, key: AccessKeyPair): Promise<void> {
  const sts = new STSClient(clientConfig({ endpoint, credentials: key }));
  try {
    await sts.send(new GetCallerIdentityCommand({}));
  } finally {
    sts.destroy();
  }
}
