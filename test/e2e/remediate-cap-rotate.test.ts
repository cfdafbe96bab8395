/** The blast-radius cap and `rotate --user --wait-for-switch`, through the CLI against the emulator. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli, startCli } from '../support/cli.js';
import { clientConfig, useEmulator } from '../support/emulator.js';

const ACCOUNT = '123456789012';
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDREMEDIATOR', AWS_SECRET_ACCESS_KEY: 'x' };
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        { name: 'a-unused', accessKeys: [{ createdDaysAgo: 200, lastUsedDaysAgo: 'never' }] },
        { name: 'b-unused', accessKeys: [{ createdDaysAgo: 200, lastUsedDaysAgo: 'never' }] },
        { name: 'c-rotate', accessKeys: [{ createdDaysAgo: 95, lastUsedDaysAgo: 1 }] },
        {
          name: 'svc',
          accessKeys: [{ id: 'AKIASVCOLD0000000001', createdDaysAgo: 10, lastUsedDaysAgo: 0.5 }],
        },
      ],
    },
  ],
};

describe('remediation cap and on-demand rotation', () => {
  const emu = useEmulator({ world: WORLD });
  const dir = mkdtempSync(join(tmpdir(), 'kw-cap-'));
  const start = (args: string[]) =>
    startCli([...args, '--endpoint-url', emu.current.url, '--journal', join(dir, 'journal.jsonl')], {
      env: ENV,
      cwd: dir,
    });
  const run = (args: string[]) => start(args).done;

  it('--max-actions caps the changes; whole chains are deferred to the next run', async () => {
    const first = await run(['apply', '--yes', '--format', 'json', '--max-actions', '2']);
    const results = (JSON.parse(first.stdout) as { results: ActionResult[] }).results;
    const changes = results.filter((r) => r.type !== 'notify' && r.status === 'done');
    expect(changes.map((r) => `${r.userName}:${r.type}`)).toEqual([
      'a-unused:deactivate-key',
      'b-unused:deactivate-key',
    ]);
    expect(results.filter((r) => r.status === 'deferred').map((r) => `${r.userName}:${r.type}`)).toEqual(
      expect.arrayContaining(['c-rotate:create-key', 'c-rotate:store-secret']),
    );
    const second = await run(['apply', '--yes', '--format', 'json', '--max-actions', '2']);
    const next = (JSON.parse(second.stdout) as { results: ActionResult[] }).results;
    expect(next.filter((r) => r.status === 'done' && r.type !== 'notify').map((r) => r.type)).toEqual([
      'create-key',
      'store-secret',
    ]);
  });

  it('rotate --user --wait-for-switch: waits for the application to use the new key, then deactivates the old one', async () => {
    // Act: start the rotation; once the new key is stored it polls every 10 ms for the key's first use.
    emu.current.faults.resetCounts();
    const rotation = start([
      'rotate',
      '--user',
      'svc',
      '--yes',
      '--wait-for-switch',
      '--poll-seconds',
      '0.01',
    ]);
    // The application: once the CLI says it waits, fetch the secret and make one call with the new key.
    await rotation.printed('stderr', /waiting for svc to use/);
    const account = emu.current.state.accounts.get(ACCOUNT);
    const sm = new SecretsManagerClient(clientConfig(emu.current));
    const secret = JSON.parse(
      (await sm.send(new GetSecretValueCommand({ SecretId: `keywarden/${ACCOUNT}/svc` }))).SecretString ??
        '{}',
    ) as { AccessKeyId: string; SecretAccessKey: string };
    sm.destroy();
    const sts = new STSClient(
      clientConfig(emu.current, { accessKeyId: secret.AccessKeyId, secretAccessKey: secret.SecretAccessKey }),
    );
    await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    const result = await rotation.done;
    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    expect(emu.current.faults.count('iam', 'ListUsers')).toBe(0); // reads the one user, not the account
    const keys = account?.iam.users.get('svc')?.accessKeys.map((k) => `${k.accessKeyId}:${k.status}`);
    expect(keys).toEqual(['AKIASVCOLD0000000001:Inactive', `${secret.AccessKeyId}:Active`]);
    expect(result.stdout).not.toContain(secret.SecretAccessKey);
  });

  it('rotate refuses an unknown user with one line and no change', async () => {
    emu.current.faults.resetCounts();
    const result = await run(['rotate', '--user', 'nobody', '--yes']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--user: no IAM user "nobody"/);
    expect(emu.current.faults.writeCalls()).toEqual([]);
  });
});

describe('interactive confirmation', () => {
  const confirmEmu = useEmulator({ world: WORLD });
  const dir = mkdtempSync(join(tmpdir(), 'kw-confirm-'));

  it('on a terminal, apply asks first: "no" changes nothing, "yes" applies', async () => {
    const args = ['apply', '--format', 'table', '--endpoint-url', confirmEmu.current.url];
    const journalArgs = ['--journal', join(dir, 'confirm.jsonl')];
    const questions: string[] = [];
    confirmEmu.current.faults.resetCounts();
    const declined = await runCli([...args, ...journalArgs], {
      env: ENV,
      cwd: dir,
      confirm: async (q) => {
        questions.push(q);
        return false;
      },
    });
    expect(questions).toEqual([
      expect.stringMatching(/^Apply \d+ change\(s\)( and send \d+ notice\(s\))?\?$/),
    ]);
    expect(declined.stdout).toMatch(/Plan \(recommended\)/);
    expect(declined.stderr).toMatch(/dry run: nothing changed/);
    expect(confirmEmu.current.faults.writeCalls()).toEqual([]);
    const accepted = await runCli([...args, ...journalArgs, '--max-actions', '1'], {
      env: ENV,
      cwd: dir,
      confirm: async () => true,
    });
    expect(accepted.exitCode).toBe(0);
    expect(accepted.stdout).toMatch(/done\s+deactivate-key\s+123456789012\/a-unused/);
    expect(accepted.stdout).toMatch(/run \S+: 1 done, \d+ skipped, 0 failed, \d+ deferred/);
  });
});
