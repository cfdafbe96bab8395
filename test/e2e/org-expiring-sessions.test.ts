/**
 * Multi-account runs outlive their member sessions: the emulator's clock jumps two hours while a
 * member account is being worked on, so the session assumed at the start is past its expiry there.
 * The next call is refused (`ExpiredToken`); Keywarden assumes the role again, sends that call once
 * more, and the account completes. (Both protocols' refusals, one client at a time:
 * test/e2e/organization-accounts.test.ts.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_WORLD_PATH } from '../../src/cli/paths.js';
import type { Emulator } from '../../src/emulator/server.js';
import { loadWorldFile } from '../../src/emulator/world.js';
import { runCli, startCli } from '../support/cli.js';
import { MANAGEMENT_ENV, PROD, ROLE } from '../support/demo-organization.js';
import { FIXED_NOW, startTestEmulator } from '../support/emulator.js';

const MEMBER = ['--accounts', PROD, ...ROLE];
const TWO_HOURS_IN_DAYS = 2 / 24;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function start(): Promise<Emulator> {
  emu = await startTestEmulator({
    world: await loadWorldFile(DEMO_WORLD_PATH),
    credentialReport: { inProgressPolls: 0 },
  });
  return emu;
}

interface AccountEntry {
  readonly accountId: string;
  readonly status: 'ok' | 'error';
  readonly error?: string;
  readonly report?: { readonly summary: { readonly findings: number } };
}

/**
 * Runs the CLI and, once its first `iam:<operation>` call has arrived at the emulator (and waits
 * there), moves the emulator's clock two hours on: that call is judged before the jump, every later
 * one after it. Returns the run's result and its only account's entry.
 */
async function withClockJump(e: Emulator, operation: string, args: readonly string[], cwd?: string) {
  const held = e.faults.hold('iam', operation);
  const run = startCli(args, { env: MANAGEMENT_ENV, ...(cwd ? { cwd } : {}) });
  await held.arrived;
  e.clock.advance(TWO_HOURS_IN_DAYS);
  held.release();
  const result = await run.done;
  expect(result.exitCode, result.stderr).toBe(0);
  const [account] = (JSON.parse(result.stdout) as { accounts: AccountEntry[] }).accounts;
  return { result, account };
}

describe('member sessions that expire mid-run', () => {
  it('audit: a call refused as ExpiredToken is sent again on a new session; the account completes', async () => {
    const e = await start();
    const args = ['audit', ...MEMBER, '--format', 'json', '--fail-on', 'none', '--endpoint-url', e.url];
    const baseline = await runCli([...args, '--now', FIXED_NOW.toISOString()], { env: MANAGEMENT_ENV });
    expect(baseline.exitCode, baseline.stderr).toBe(0);
    const expected = (JSON.parse(baseline.stdout) as { accounts: AccountEntry[] }).accounts[0];
    e.faults.resetCounts();

    const { account } = await withClockJump(e, 'GenerateCredentialReport', [
      ...args,
      '--now',
      FIXED_NOW.toISOString(),
    ]);

    expect(account?.status).toBe('ok');
    expect(account?.report?.summary.findings).toBe(expected?.report?.summary.findings);
    expect(e.faults.count('sts', 'AssumeRole')).toBe(2);
  });

  it('apply: the session expires while a rotation creates its key; every rotation completes once', async () => {
    const e = await start();
    const dir = mkdtempSync(join(tmpdir(), 'kw-expiring-'));
    const args = [
      'apply',
      ...MEMBER,
      '--yes',
      '--format',
      'json',
      '--endpoint-url',
      e.url,
      '--journal',
      join(dir, 'journal.jsonl'),
    ];

    const { result, account } = await withClockJump(e, 'CreateAccessKey', args, dir);

    expect(account?.status, account?.error).toBe('ok');
    expect(e.faults.count('sts', 'AssumeRole')).toBe(2);
    const rotations = e.faults.count('iam', 'CreateAccessKey');
    expect(rotations).toBeGreaterThan(0);
    // Each new key stored once: the refused call was sent again, never a second rotation.
    expect(e.faults.count('secretsmanager', 'CreateSecret')).toBe(rotations);
    expect(result.stdout).not.toMatch(/SecretAccessKey|"secret"/i);
  });
});
