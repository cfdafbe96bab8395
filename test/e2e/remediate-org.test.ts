/**
 * `plan`, `apply` and `undo` with `--org` / `--accounts` on the emulator's demo organization: each
 * account remediated in its assumed role, one journal for the run with every action's account, one
 * action cap for the whole run, a dry run without --yes, a failing account reported (exit 3).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORLD_PATH } from '../../src/cli/paths.js';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import { type Action, changesAws, type Plan } from '../../src/core/plan/types.js';
import type { Emulator } from '../../src/emulator/server.js';
import { loadWorldFile } from '../../src/emulator/world.js';
import { runCli } from '../support/cli.js';
import { DEV, MANAGEMENT_ENV, PROD, ROLE } from '../support/demo-organization.js';
import { startTestEmulator } from '../support/emulator.js';

interface Entry {
  readonly accountId: string;
  readonly status: 'ok' | 'error';
  readonly error?: string;
  readonly plan?: Plan;
  readonly runId?: string | null;
  readonly results?: ActionResult[];
}

let emu: Emulator;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator({
    world: await loadWorldFile(DEMO_WORLD_PATH),
    credentialReport: { inProgressPolls: 0 },
  });
  dir = mkdtempSync(join(tmpdir(), 'kw-org-apply-'));
});
afterAll(() => emu.stop());

function cli(args: readonly string[]) {
  return runCli([...args, '--endpoint-url', emu.url, '--journal', join(dir, 'journal.jsonl')], {
    env: MANAGEMENT_ENV,
    cwd: dir,
  });
}

const accountsOf = (stdout: string) => (JSON.parse(stdout) as { accounts: Entry[] }).accounts;
const changes = (actions: readonly Action[] | undefined) => (actions ?? []).filter(changesAws).length;
const keyStatuses = (accountId: string) =>
  [...(emu.state.accounts.get(accountId)?.iam.users.values() ?? [])].flatMap((u) =>
    u.accessKeys.map((k) => `${u.userName}/${k.accessKeyId}:${k.status}`),
  );

describe('remediation across accounts', () => {
  it('plan --org: one plan per account; the cap is spent once for the whole run', async () => {
    const uncapped = accountsOf((await cli(['plan', '--org', ...ROLE, '--format', 'json'])).stdout);
    const result = await cli(['plan', '--org', ...ROLE, '--format', 'json', '--max-actions', '3']);

    expect(result.exitCode, result.stderr).toBe(0);
    const capped = accountsOf(result.stdout);
    expect(capped.map((a) => a.accountId).sort()).toEqual(uncapped.map((a) => a.accountId).sort());
    const total = capped.reduce((n, a) => n + changes(a.plan?.actions), 0);
    expect(total).toBeLessThanOrEqual(3);
    expect(uncapped.reduce((n, a) => n + changes(a.plan?.actions), 0)).toBeGreaterThan(3);
    expect(capped.reduce((n, a) => n + (a.plan?.deferred.length ?? 0), 0)).toBeGreaterThan(0);
  });

  it('apply --accounts without --yes is a dry run: plans printed, nothing changed', async () => {
    const before = [...keyStatuses(PROD), ...keyStatuses(DEV)];

    const result = await cli(['apply', '--accounts', `${PROD},${DEV}`, ...ROLE, '--format', 'json']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('dry run: nothing changed');
    expect(accountsOf(result.stdout).every((a) => a.runId === null)).toBe(true);
    expect([...keyStatuses(PROD), ...keyStatuses(DEV)]).toEqual(before);
  });

  it('apply --accounts --yes: each account remediated once, journaled with its account; a second run changes nothing', async () => {
    const first = await cli(['apply', '--accounts', `${PROD},${DEV}`, ...ROLE, '--yes', '--format', 'json']);
    const second = await cli(['apply', '--accounts', `${PROD},${DEV}`, ...ROLE, '--yes', '--format', 'json']);

    expect(first.exitCode, first.stderr).toBe(0);
    const entries = accountsOf(first.stdout);
    for (const entry of entries) {
      expect(entry.status).toBe('ok');
      const done = (entry.results ?? []).filter((r) => r.status === 'done' && r.type !== 'notify');
      expect(done.length, entry.accountId).toBeGreaterThan(0);
    }
    // The journal: each account's run is started with its account, every action carries it.
    const records = readFileSync(join(dir, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; runId: string; accountId?: string; action?: Action });
    for (const entry of entries) {
      const started = records.find((r) => r.type === 'run-started' && r.runId === entry.runId);
      expect(started?.accountId).toBe(entry.accountId);
      const intents = records.filter((r) => r.type === 'intent' && r.runId === entry.runId);
      expect(intents.every((r) => r.action?.accountId === entry.accountId)).toBe(true);
    }
    expect(second.exitCode, second.stderr).toBe(0);
    for (const entry of accountsOf(second.stdout)) {
      expect((entry.results ?? []).filter((r) => r.status === 'done' && r.type !== 'notify')).toEqual([]);
    }
  });

  it('undo --accounts undoes one account run in its account', async () => {
    const history = await cli(['history', '--format', 'json']);
    const rows = JSON.parse(history.stdout) as {
      runId: string;
      type: string;
      status: string;
      accountId: string;
    }[];
    const deactivation = rows.find((r) => r.type === 'deactivate-key' && r.status === 'done');
    expect(deactivation).toBeDefined();

    const undo = await cli([
      'undo',
      deactivation?.runId ?? '',
      '--accounts',
      `${PROD},${DEV}`,
      ...ROLE,
      '--yes',
    ]);

    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(undo.stdout).toMatch(/reactivate-key.*done|done.*reactivate-key/);
  });

  it('an account that cannot be assumed fails alone (exit 3); the others are remediated', async () => {
    const result = await cli([
      'apply',
      '--accounts',
      `${DEV},444444444444`,
      ...ROLE,
      '--yes',
      '--format',
      'json',
    ]);

    expect(result.exitCode, result.stderr).toBe(3);
    const entries = accountsOf(result.stdout);
    expect(entries.find((a) => a.accountId === '444444444444')).toMatchObject({ status: 'error' });
    expect(entries.find((a) => a.accountId === DEV)).toMatchObject({ status: 'ok' });
    expect(result.stderr).toMatch(/account 444444444444 failed: sts:AssumeRole/);
  });

  it.each([
    [['apply', '--org', '--now', '2027-01-01'], /^keywarden: --now: this command changes AWS/],
    [['plan', '--accounts', '1'], /^keywarden: --accounts: "1" is not a 12-digit account id/],
    [['undo', 'run-1', '--ous', 'ou-abcd-12345678'], /^keywarden: --ous: only with --org/],
  ])('bad input %j: one line, exit 2', async (args, message) => {
    const result = await runCli([...args, '--endpoint-url', 'http://127.0.0.1:9'], {
      env: MANAGEMENT_ENV,
      cwd: dir,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
