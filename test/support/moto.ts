/**
 * Test support: a moto server (third-party AWS emulator, Python) seeded with one world account by
 * `moto_world.py`, so end-to-end scenarios can be checked against an emulator that is not ours.
 * moto is part of every machine image we test on and CI runs it: when it is missing, tests FAIL
 * with the reason rather than skip.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import type { WorldAccount } from '../../src/emulator/world-types.js';
import { runProcess } from './cli.js';
import { processEnv } from './env.js';

export const MOTO_WORLD_SCRIPT = fileURLToPath(new URL('./moto_world.py', import.meta.url));
/** The interpreter that has moto and boto3; `KEYWARDEN_TEST_PYTHON` overrides it. */
export const MOTO_PYTHON = process.env.KEYWARDEN_TEST_PYTHON ?? 'python3';
/** How long `stop()` waits for a clean exit after closing stdin before it kills the process. */
const STOP_GRACE_MS = 5_000;

export interface MotoSpec {
  /** The instant every `...DaysAgo` in the account is measured from. */
  readonly now: Date;
  /** One world account; no root and no key ids (moto cannot hold them, and the script refuses). */
  readonly account: WorldAccount;
  /**
   * Requests land in the account of their signing key (sessions from AssumeRole in the role's
   * account) instead of all in `account`, which must then be moto's default, 123456789012.
   */
  readonly multiAccount?: boolean;
}

export interface Moto {
  readonly endpoint: string;
  readonly accountId: string;
  /** The ids moto generated, per user name, in the order of the world's `accessKeys`. */
  readonly keys: Readonly<Record<string, readonly string[]>>;
  stop(): Promise<void>;
}

export type MotoCheck =
  | { readonly ok: true; readonly version: string }
  | { readonly ok: false; readonly reason: string };

const MISSING =
  'moto is required for the moto e2e tests (CI runs them): install it with `pip install "moto[server]==5.2.1" boto3`, or point KEYWARDEN_TEST_PYTHON at a Python that has it';

/** Whether `python3` can import moto and boto3; the reason says what to install when not. */
export async function motoAvailable(): Promise<MotoCheck> {
  const probe = 'import boto3, moto, moto.server; print(moto.__version__)';
  try {
    const result = await runProcess(MOTO_PYTHON, ['-c', probe]);
    if (result.exitCode === 0) return { ok: true, version: result.stdout.trim() };
    const last = result.stderr.trim().split('\n').at(-1) ?? '';
    return { ok: false, reason: `${MOTO_PYTHON} cannot import moto (${last}). ${MISSING}` };
  } catch (error) {
    return { ok: false, reason: `cannot run ${MOTO_PYTHON} (${(error as Error).message}). ${MISSING}` };
  }
}

/**
 * Starts moto on a free loopback port, seeds it and resolves once it prints its ready line. Rejects
 * with the script's stderr if it exits first. The server also exits when this process does (its
 * stdin closes), so a crashed test run leaves nothing behind.
 */
export function startMoto(spec: MotoSpec): Promise<Moto> {
  // Its own environment: boto3 would otherwise read the caller's AWS_PROFILE and ~/.aws.
  const child = spawn(MOTO_PYTHON, [MOTO_WORLD_SCRIPT], {
    env: processEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  // A write after an early exit fails with EPIPE; the exit handler below reports why it exited.
  child.stdin.on('error', () => {});
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<Moto>((resolve, reject) => {
    let stdout = '';
    child.once('error', (error) =>
      reject(new Error(`cannot run ${MOTO_PYTHON}: ${error.message}. ${MISSING}`)),
    );
    child.once('exit', (code, signal) => {
      const hint = /No module named/.test(stderr) ? ` ${MISSING}` : '';
      reject(
        new Error(`moto_world.py exited (${code ?? signal}) before it was ready:\n${stderr.trim()}${hint}`),
      );
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      try {
        const ready = JSON.parse(stdout.slice(0, newline)) as Omit<Moto, 'stop'>;
        resolve({ endpoint: ready.endpoint, accountId: ready.accountId, keys: ready.keys, stop });
      } catch (error) {
        child.kill('SIGKILL');
        reject(
          new Error(`moto_world.py printed something other than its ready line: ${stdout}`, { cause: error }),
        );
      }
    });
    child.stdin.write(
      `${JSON.stringify({ now: spec.now.toISOString(), account: spec.account, multiAccount: spec.multiAccount ?? false })}\n`,
    );
  });
}

/** The account moto's DynamoDB answers as in the journal tests (any key signs into it). */
export const MOTO_JOURNAL_ACCOUNT = '111111111111';

/**
 * A moto server with an empty account, for its DynamoDB: the shared journal's tests use a real
 * DynamoDB implementation (conditional writes, transactions, Query pages), not a mock.
 */
export function startMotoDynamo(): Promise<Moto> {
  return startMoto({ now: new Date('2026-11-22T12:00:00Z'), account: { id: MOTO_JOURNAL_ACCOUNT } });
}

/** SDK v3 config for moto's DynamoDB: one attempt, so a failure is seen as it is. */
export function motoClientConfig(moto: Moto) {
  return {
    endpoint: moto.endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDJOURNALTEST', secretAccessKey: 'test-secret' },
  };
}

/**
 * moto's DynamoDB for the enclosing file or `describe`, and a client for it: started before its
 * tests, stopped after them.
 */
export function useMotoDynamo(): { readonly moto: Moto; readonly client: DynamoDBClient } {
  let moto: Moto | undefined;
  let client: DynamoDBClient | undefined;
  beforeAll(async () => {
    moto = await startMotoDynamo();
    client = new DynamoDBClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('moto is not started yet: use it inside a test or hook');
    return value;
  };
  return {
    get moto() {
      return started(moto);
    },
    get client() {
      return started(client);
    },
  };
}
