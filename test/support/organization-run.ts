/**
 * Test support for the organization run (org-accounts → org-worker → org-report): an emulated
 * organization whose accounts all have KeywardenMemberRole but one (AssumeRole into it is refused)
 * and one suspended account, moto for the hub's DynamoDB journal and S3 report bucket, and the
 * handlers' options pointed at both.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ORG_ENV } from '../../src/core/deployment.js';
import { generateWorld } from '../../src/emulator/generate-world.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { createJournalTable } from '../../src/journal/dynamodb/table.js';
import type { RuntimeOptions } from '../../src/lambda/define-handler.js';
import { createLogger } from '../../src/lambda/logger.js';
import type { LogCapture } from './lambda.js';
import { type Moto, motoClientConfig } from './moto.js';

export const HUB = '100000000000';
export const TOPIC_NAME = 'keywarden-organization';
export const TOPIC_ARN = `arn:aws:sns:us-east-1:${HUB}:${TOPIC_NAME}`;
export const BUCKET = 'keywarden-org-reports';
export const TABLE = 'keywarden-org-journal';

export interface OrgWorld {
  readonly world: World;
  /** Active accounts with the member role. */
  readonly reachable: readonly string[];
  /** The active account without the role. */
  readonly unreachable: string;
  readonly suspended: string;
}

/**
 * Six accounts, three users each: the management (hub) account and four members have the role but
 * one member lacks it; a sixth account is suspended.
 */
export function orgWorld(): OrgWorld {
  const generated = generateWorld({
    accounts: 6,
    usersPerAccount: 3,
    seed: 7,
    roleName: 'KeywardenMemberRole',
    accountsWithoutRole: 1,
  });
  const suspended = generated.accounts.at(-1)?.id ?? '';
  const accounts = generated.accounts.map((a) => {
    if (a.id === suspended) return { ...a, status: 'SUSPENDED' as const };
    if (a.id === HUB) return { ...a, snsTopics: [{ name: TOPIC_NAME }] };
    return a;
  });
  const active = accounts.filter((a) => a.status !== 'SUSPENDED');
  const without = active.filter((a) => !(a.roles ?? []).some((r) => r.name === 'KeywardenMemberRole'));
  if (without.length !== 1)
    throw new Error(`expected one active account without the role, got ${without.length}`);
  const unreachable = without[0]?.id ?? '';
  return {
    world: { ...generated, accounts },
    reachable: active.map((a) => a.id).filter((id) => id !== unreachable),
    unreachable,
    suspended,
  };
}

/** Creates the report bucket and the journal table in moto. */
export async function prepareHubResources(moto: Moto): Promise<void> {
  const s3 = new S3Client({ ...motoClientConfig(moto), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  s3.destroy();
  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  await createJournalTable(dynamodb, TABLE, { sleep: async () => {} });
  dynamodb.destroy();
}

/** The hub's handler options: the emulator for everything but DynamoDB and S3, which are moto's. */
export function hubRuntime(
  emu: Emulator,
  moto: Moto,
  logs: LogCapture,
  env: NodeJS.ProcessEnv = {},
): RuntimeOptions {
  return {
    env: {
      KEYWARDEN_JOURNAL: `dynamodb://${TABLE}`,
      KEYWARDEN_NOTIFY_TOPIC_ARN: TOPIC_ARN,
      AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
      AWS_ENDPOINT_URL_S3: moto.endpoint,
      [ORG_ENV.reportBucket]: BUCKET,
      [ORG_ENV.version]: '0.0.0-test',
      ...env,
    },
    connection: {
      endpoint: emu.url,
      region: 'us-east-1',
      // Retries, as deployed: moto's DynamoDB server sometimes answers concurrent writes with an
      // HTML 500 page (its backend is not thread-safe), which the SDK retries; a write that landed
      // before such an answer is found written by the journal.
      maxAttempts: 3,
      credentials: { accessKeyId: 'AKIDORGHUB', secretAccessKey: 'hub-secret' },
    },
    logger: createLogger({ stream: logs.stream }),
    sleep: async () => {},
  };
}

/** One object of the report bucket as JSON, or null when absent. */
export async function readBucketJson<T>(moto: Moto, key: string): Promise<T | null> {
  const s3 = new S3Client({ ...motoClientConfig(moto), forcePathStyle: true });
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return JSON.parse((await out.Body?.transformToString()) ?? '') as T;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return null;
    throw error;
  } finally {
    s3.destroy();
  }
}

/** One object of the report bucket as text. */
export async function readBucketText(moto: Moto, key: string): Promise<string> {
  const s3 = new S3Client({ ...motoClientConfig(moto), forcePathStyle: true });
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await out.Body?.transformToString()) ?? '';
  } finally {
    s3.destroy();
  }
}
