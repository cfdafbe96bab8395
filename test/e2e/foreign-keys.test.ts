/**
 * Keywarden deletes only keys it can prove are its own: a key another actor makes while Keywarden
 * rotates is left alone, reported and its owner told; a key Keywarden's own call made although the
 * answer was lost is found by its time window and removed. One run at a time per file journal.
 * These drive the real CLI against the emulator, with another actor acting at the same moment.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeAccessKeySecret } from '../../src/aws/secrets.js';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import type { Emulator } from '../../src/emulator/server.js';
import { addAccessKey } from '../../src/emulator/state.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli, spawnCli } from '../support/cli.js';
import { clientConfig, startTestEmulator } from '../support/emulator.js';

const ACCOUNT = '123456789012';
const OLD = 'AKIAALICEOLD00000001';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:keywarden`;
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      snsTopics: [{ name: 'keywarden' }],
      users: [
        {
          name: 'alice',
          tags: { 'keywarden:owner': 'alice@example.com' },
          // Due for rotation and in use: Keywarden creates a replacement.
          accessKeys: [{ id: OLD, createdDaysAgo: 95, lastUsedDaysAgo: 1 }],
        },
      ],
    },
  ],
};

let emu: Emulator;
let dir: string;
let journal: string;
let policy: string;
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x', AWS_MAX_ATTEMPTS: '2' };

beforeEach(async () => {
  emu = await startTestEmulator({ world: WORLD });
  dir = mkdtempSync(join(tmpdir(), 'kw-foreign-'));
  journal = join(dir, 'journal.jsonl');
  policy = join(dir, 'keywarden.yaml');
  writeFileSync(policy, `version: 1\nnotifications:\n  sns: { topicArn: ${TOPIC} }\n`);
});
afterEach(() => emu.stop());

const args = (...rest: string[]) => [
  ...rest,
  '--endpoint-url',
  emu.url,
  '--journal',
  journal,
  '--config',
  policy,
  '--format',
  'json',
];
const keysOf = (user: string) =>
  emu.state.accounts
    .get(ACCOUNT)
    ?.iam.users.get(user)
    ?.accessKeys.map((k) => `${k.accessKeyId}:${k.status}`) ?? [];
const published = () => emu.state.accounts.get(ACCOUNT)?.sns.messages ?? [];

/**
 * A person or another tool makes a key for `user`. Made in the emulator's state rather than over
 * HTTP, because the test holds every CreateAccessKey call at the door meanwhile.
 */
function anotherActorCreatesKey(user: string): string {
  const account = emu.state.accounts.get(ACCOUNT);
  const iamUser = account?.iam.users.get(user);
  if (account === undefined || iamUser === undefined) throw new Error(`no user ${user}`);
  return addAccessKey(emu.state, account, iamUser).accessKeyId;
}

describe('a key another actor creates while Keywarden rotates', () => {
  it('between the live re-check and CreateAccessKey: left alone, reported by id, the rotation blocked, the owner told', async () => {
    // Prepare: Keywarden's CreateAccessKey is held at the door; meanwhile someone makes a key.
    const hold = emu.faults.hold('iam', 'CreateAccessKey');
    const run = runCli(args('apply', '--yes'), { env: ENV, cwd: dir });
    await hold.arrived;
    const theirs = anotherActorCreatesKey('alice');
    hold.release();

    // Act
    const result = await run;

    // Assess: their key is untouched; Keywarden's call was refused (LimitExceeded), nothing cleaned up.
    expect(result.exitCode, result.stderr).toBe(1);
    expect(keysOf('alice')).toEqual([`${OLD}:Active`, `${theirs}:Active`]);
    const { results } = JSON.parse(result.stdout) as { results: ActionResult[] };
    expect(results.map((r) => `${r.type}:${r.status}`)).not.toContain('cleanup-key:done');
    const create = results.find((r) => r.type === 'create-key');
    expect(create?.status).toBe('failed');
    expect(create?.reason).toContain('LimitExceeded');
    expect(create?.reason).toContain(`access key ${theirs} (created `);
    expect(create?.reason).toContain(`the rotation of ${OLD} is blocked and the owner is told`);
    const notice = results.find((r) => r.type === 'notify' && r.accessKeyId === theirs);
    expect(notice?.status).toBe('done');
    // Reported with the create-key that found it.
    expect(results.indexOf(notice as ActionResult)).toBe(results.indexOf(create as ActionResult) + 1);
    expect(published().map((m) => m.attributes.recipient)).toEqual(['alice@example.com']);
    expect(published()[0]?.message).toContain(theirs);
    expect(emu.faults.count('iam', 'DeleteAccessKey')).toBe(0);
    expect(emu.faults.count('iam', 'UpdateAccessKey')).toBe(0);
  });

  it('the next run leaves their key alone too, and sends the owner nothing twice', async () => {
    // Prepare
    const hold = emu.faults.hold('iam', 'CreateAccessKey');
    const first = runCli(args('apply', '--yes'), { env: ENV, cwd: dir });
    await hold.arrived;
    const theirs = anotherActorCreatesKey('alice');
    hold.release();
    await first;

    // Act
    const second = await runCli(args('apply', '--yes'), { env: ENV, cwd: dir });

    // Assess
    expect(second.exitCode, second.stderr).toBe(0);
    expect(keysOf('alice')).toEqual([`${OLD}:Active`, `${theirs}:Active`]);
    expect(published()).toHaveLength(1);
  });
});

describe('a CreateAccessKey whose answer is lost', () => {
  it("a new key another Keywarden run already stored is not taken for this call's, though made in its window", async () => {
    // Prepare: this run's CreateAccessKey fails with a 5xx (an unknown outcome); while it is in
    // flight, another Keywarden (another journal) makes a key and stores it in the user's secret.
    emu.faults.configure({
      rules: [{ service: 'iam', operation: 'CreateAccessKey', times: 1, kind: 'error' }],
    });
    const hold = emu.faults.hold('iam', 'CreateAccessKey');
    const run = runCli(args('apply', '--yes'), { env: { ...ENV, AWS_MAX_ATTEMPTS: '1' }, cwd: dir });
    await hold.arrived;
    const theirs = anotherActorCreatesKey('alice');
    const sm = new SecretsManagerClient(clientConfig(emu));
    await storeAccessKeySecret(
      sm,
      {
        AccessKeyId: theirs,
        SecretAccessKey: 'theirs',
        UserName: 'alice',
        CreateDate: '2026-01-01T00:00:00Z',
      },
      { secretName: `keywarden/${ACCOUNT}/alice`, kmsKeyId: null, tags: {} },
    );
    sm.destroy();
    hold.release();

    // Act
    const result = await run;

    // Assess
    expect(keysOf('alice')).toEqual([`${OLD}:Active`, `${theirs}:Active`]);
    const { results } = JSON.parse(result.stdout) as { results: ActionResult[] };
    expect(results.map((r) => r.type)).not.toContain('cleanup-key');
    expect(results[0]?.reason).toContain(`access key ${theirs} (created `);
  });

  it.each([
    ['the connection is reset after IAM made the key', 'lose-answer', []],
    [
      'IAM made the key and never answered: the request timeout ends the call',
      'apply-then-hang',
      ['--request-timeout', '1'],
    ],
  ] as const)(
    '%s: the key is found in the call window, never used, and removed; nothing is sent twice',
    async (_, kind, extra) => {
      // Prepare
      emu.faults.configure({ rules: [{ service: 'iam', operation: 'CreateAccessKey', times: 1, kind }] });

      // Act
      const result = await runCli(args('apply', '--yes', ...extra), { env: ENV, cwd: dir });

      // Assess
      expect(result.exitCode, result.stderr).toBe(1);
      expect(emu.faults.count('iam', 'CreateAccessKey')).toBe(1);
      expect(keysOf('alice')).toEqual([`${OLD}:Active`]);
      const { results } = JSON.parse(result.stdout) as { results: ActionResult[] };
      expect(results.map((r) => `${r.type}:${r.status}`)).toEqual([
        'create-key:failed',
        'cleanup-key:done',
        'store-secret:skipped',
        'notify:skipped',
      ]);
      expect(results[0]?.reason).toContain('although its answer was lost');
    },
  );

  it('when the keys cannot even be read back, the run stops unfinished; the printed resume settles it', async () => {
    // Prepare: the answer is lost, and every ListAccessKeys after it fails.
    emu.faults.configure({
      rules: [{ service: 'iam', operation: 'CreateAccessKey', times: 1, kind: 'lose-answer' }],
    });
    const create = emu.faults.hold('iam', 'CreateAccessKey');
    const run = runCli(args('apply', '--yes'), { env: ENV, cwd: dir });
    await create.arrived;
    emu.faults.configure({
      rules: [{ service: 'iam', operation: 'ListAccessKeys', times: 10, kind: 'error' }],
    });
    create.release();
    const stopped = await run;
    const made = emu.state.accounts.get(ACCOUNT)?.iam.users.get('alice')?.accessKeys[1]?.accessKeyId;
    emu.faults.configure({});

    // Act
    const hint = /Finish with: keywarden (.+)$/m.exec(stopped.stderr)?.[1] ?? '';
    const resumed = await runCli(hint.split(' '), { env: ENV, cwd: dir });

    // Assess
    expect(stopped.exitCode).toBe(1);
    expect(stopped.stderr).toMatch(/stopped: .*IAM may have made a key nobody holds the secret of/);
    expect(made).toBeDefined();
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const { results } = JSON.parse(resumed.stdout) as { results: ActionResult[] };
    expect(results.map((r) => `${r.type}:${r.status}:${r.accessKeyId ?? ''}`)).toContain(
      `cleanup-key:done:${made}`,
    );
    expect(keysOf('alice').map((k) => k.split(':')[0])).not.toContain(made);
    expect(keysOf('alice')).toHaveLength(2);
  });

  it('a key made in the window but already used is not removed: someone holds it', async () => {
    // Prepare: the answer is lost; before Keywarden looks for the key, someone signs a call with it.
    emu.faults.configure({
      rules: [{ service: 'iam', operation: 'CreateAccessKey', times: 1, kind: 'lose-answer' }],
    });
    const create = emu.faults.hold('iam', 'CreateAccessKey');
    const run = runCli(args('apply', '--yes'), { env: ENV, cwd: dir });
    await create.arrived;
    const lookup = emu.faults.hold('iam', 'ListAccessKeys');
    create.release();
    await lookup.arrived;
    const made = emu.state.accounts.get(ACCOUNT)?.iam.users.get('alice')?.accessKeys[1];
    if (made) made.lastUsed = { date: emu.clock.now(), serviceName: 'iam', region: 'us-east-1' };
    lookup.release();

    // Act
    const result = await run;

    // Assess
    const { results } = JSON.parse(result.stdout) as { results: ActionResult[] };
    expect(results.find((r) => r.type === 'cleanup-key')?.reason).toContain('so someone holds it');
    expect(keysOf('alice')).toEqual([`${OLD}:Active`, `${made?.accessKeyId}:Active`]);
  });

  it('a Secrets Manager store whose answer is lost is retried with its token: stored once, nothing deleted', async () => {
    // Prepare
    emu.faults.configure({
      rules: [{ service: 'secretsmanager', operation: 'CreateSecret', times: 1, kind: 'lose-answer' }],
    });

    // Act
    const result = await runCli(args('apply', '--yes'), { env: ENV, cwd: dir });

    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    const { results } = JSON.parse(result.stdout) as { results: ActionResult[] };
    expect(results.map((r) => `${r.type}:${r.status}`)).toEqual([
      'create-key:done',
      'store-secret:done',
      'notify:done',
    ]);
    const created = results[0]?.newAccessKeyId;
    expect(keysOf('alice')).toEqual([`${OLD}:Active`, `${created}:Active`]);
    const secret = emu.state.accounts.get(ACCOUNT)?.secrets.get(`keywarden/${ACCOUNT}/alice`);
    expect(secret?.versions).toHaveLength(1);
  });
});

describe('one run at a time per file journal', () => {
  it('a second apply on the same journal says which run and process hold it, exits 0 and changes nothing', async () => {
    // Prepare: the first run is held in the middle of its CreateAccessKey.
    const hold = emu.faults.hold('iam', 'CreateAccessKey');
    const first = spawnCli(args('apply', '--yes'), { env: ENV, cwd: dir });
    const firstDone = exited(first);
    await hold.arrived;
    const writesBefore = emu.faults.writeCalls();

    // Act
    const second = await runCli(args('apply', '--yes'), { env: ENV, cwd: dir });
    const writesDuringSecond = emu.faults.writeCalls();
    hold.release();
    const firstResult = await firstDone;

    // Assess
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toMatch(
      new RegExp(
        `^keywarden: the journal ${journal} is in use by run \\S+ \\(apply, process ${first.pid} on ${hostname()}\\) since \\S+: this run did nothing`,
        'm',
      ),
    );
    expect(JSON.parse(second.stdout)).toMatchObject({
      runId: null,
      leasedBy: { kind: 'journal-lock', pid: first.pid },
    });
    expect(writesDuringSecond).toEqual(writesBefore);
    expect(firstResult.code).toBe(0);
    expect(existsSync(`${journal}.lock`)).toBe(false);
  });

  it('journal leases shows who holds a file journal, and whether that process still runs', async () => {
    // Prepare: a process that runs, holding the lock.
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)']);
    const lock = {
      runId: 'live-run',
      command: 'apply',
      since: '2026-11-22T11:00:00Z',
      hostname: hostname(),
      processStart: null,
    };
    writeFileSync(`${journal}.lock`, JSON.stringify({ ...lock, pid: alive.pid }));
    try {
      // Act
      const held = await runCli(['journal', 'leases', '--journal', journal, '--format', 'json'], {
        env: ENV,
      });
      alive.kill();
      await new Promise((resolve) => alive.once('exit', resolve));
      const stopped = await runCli(['journal', 'leases', '--journal', journal, '--format', 'json'], {
        env: ENV,
      });

      // Assess
      expect(held.exitCode, held.stderr).toBe(0);
      expect(JSON.parse(held.stdout)).toMatchObject([
        { kind: 'journal-lock', runId: 'live-run', pid: alive.pid, state: 'live' },
      ]);
      expect(held.stderr).toContain(
        `it is in use by run live-run (apply, process ${alive.pid} on ${hostname()})`,
      );
      expect(JSON.parse(stopped.stdout)).toMatchObject([{ runId: 'live-run', state: 'stopped' }]);
      expect(stopped.stderr).toContain('which is no longer running: the next run takes the lock over');
    } finally {
      alive.kill();
    }
  });

  it('a lock left by a process that is gone is taken over', async () => {
    // Prepare: a lock file whose process has exited (a crash or a kill -9).
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = gone.pid ?? 0;
    await new Promise((resolve) => gone.once('exit', resolve));
    writeFileSync(
      `${journal}.lock`,
      JSON.stringify({
        runId: 'dead-run',
        command: 'apply',
        since: '2026-11-22T11:00:00Z',
        pid,
        hostname: hostname(),
        processStart: null,
      }),
    );

    // Act
    const result = await runCli(args('apply', '--yes'), { env: ENV, cwd: dir });

    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    expect(keysOf('alice')).toHaveLength(2);
    expect(existsSync(`${journal}.lock`)).toBe(false);
  });
});

function exited(child: ReturnType<typeof spawnCli>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}
