/**
 * The organization benchmark's apply, small (bench/org.ts runs it at 200 accounts × 500 users):
 * `apply --org --yes` on a tidied organization where exactly the chosen keys are due for
 * deactivation, with IAM throttling some of the calls. Every planned action is journaled exactly once,
 * every deactivation done, and the emulator agrees: exactly those keys are inactive, each by one
 * UpdateAccessKey that went through. No timing is asserted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkApply, keyStatuses, type PlannedAction, succeededCalls } from '../../bench/org-verify.js';
import { applyOrgWorld, ORG_ROLE_NAME } from '../../bench/org-world.js';
import { parseJournal } from '../../src/core/journal/records.js';
import type { Emulator } from '../../src/emulator/server.js';
import { runCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';
import { emptyDir } from '../support/env.js';

const MANAGEMENT_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDORGADMIN',
  AWS_SECRET_ACCESS_KEY: 'x',
  AWS_REGION: 'us-east-1',
};
const { world, dueKeys } = applyOrgWorld({ accounts: 5, usersPerAccount: 20, dueKeys: 12 });

let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator({
    world,
    credentialReport: { inProgressPolls: 1 },
    // The write that must happen once, and the re-read before it, throttled: the first 4 calls of
    // each, so retries certainly happen and never exhaust the SDK's 5 attempts (a random rate would).
    faults: {
      rules: [
        { service: 'iam', operation: 'UpdateAccessKey', times: 4, kind: 'throttle' },
        { service: 'iam', operation: 'GetAccessKeyLastUsed', times: 4, kind: 'throttle' },
      ],
    },
  });
});
afterAll(() => emu.stop());

describe('apply --org on due deactivations, IAM throttled', () => {
  it('does every planned action exactly once; plan, journal and emulator agree', async () => {
    // Prepare
    const journal = join(emptyDir('orgbench-'), 'journal.jsonl');
    const common = [
      '--org',
      '--role-name',
      ORG_ROLE_NAME,
      '--format',
      'json',
      '--max-actions',
      String(dueKeys.length),
      '--inventory',
      'report',
      '--journal',
      journal,
      '--endpoint-url',
      emu.url,
    ];
    const plan = await runCli(['plan', ...common], { env: MANAGEMENT_ENV });
    expect(plan.exitCode, plan.stderr).toBe(0);
    const planned = (
      JSON.parse(plan.stdout) as { accounts: { plan?: { actions: PlannedAction[] } }[] }
    ).accounts.flatMap((a) => a.plan?.actions ?? []);
    const before = keyStatuses(emu);
    emu.faults.resetCounts();

    // Act
    const apply = await runCli(['apply', '--yes', ...common], { env: MANAGEMENT_ENV });

    // Assess
    expect(apply.exitCode, apply.stderr).toBe(0);
    expect(emu.faults.faulted('throttle')).toEqual([
      { service: 'iam', operation: 'GetAccessKeyLastUsed', count: 4 },
      { service: 'iam', operation: 'UpdateAccessKey', count: 4 },
    ]);
    const check = checkApply({
      dueKeys,
      planned,
      records: parseJournal(readFileSync(journal, 'utf8')).records,
      before,
      after: keyStatuses(emu),
      updateAccessKeySucceeded: succeededCalls(emu, 'iam', 'UpdateAccessKey'),
    });
    expect(check.problems).toEqual([]);
    expect(check).toMatchObject({
      plannedDeactivations: dueKeys.length,
      doneExactlyOnce: dueKeys.length,
      journaledOnce: planned.length,
      deactivatedInEmulator: dueKeys.length,
      updateAccessKeySucceeded: dueKeys.length,
    });
  });
});
