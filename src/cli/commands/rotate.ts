import { setTimeout as sleep } from 'node:timers/promises';
import { GetAccessKeyLastUsedCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Command } from 'commander';
import { type ActionResult, applyPlan } from '../../aws/apply.js';
import { chainId } from '../../core/plan/ids.js';
import { planRotateNow } from '../../core/plan/rotate-now.js';
import type { DeactivateKeyAction, Plan } from '../../core/plan/types.js';
import { newRunId } from '../../journal/journal.js';
import { awsFailure } from '../connection.js';
import { CliError } from '../errors.js';
import type { CliIO } from '../io.js';
import {
  addRemediationOptions,
  journalFacts,
  type RemediationFlags,
  readInventory,
  remediationContext,
} from '../remediation.js';
import { renderPlan } from '../render/plan.js';
import { renderResults } from '../render/results.js';
import { applyOptions, notifierFor } from './apply.js';

interface RotateFlags extends RemediationFlags {
  readonly user?: string;
  readonly yes?: boolean;
  readonly waitForSwitch?: boolean;
  readonly pollSeconds: string;
  readonly waitTimeoutMinutes: string;
}

function positiveNumber(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new CliError(`${flag}: must be a positive number (got ${JSON.stringify(raw)})`);
  return n;
}

export function registerRotate(program: Command, io: CliIO, setExitCode: (code: number) => void): void {
  const command = program
    .command('rotate')
    .description(
      "Rotate one user's access key now: new key to Secrets Manager, owner told; optionally wait for the switch",
    )
    .requiredOption('--user <name>', 'the IAM user whose key to rotate')
    .option('--yes', 'rotate without asking')
    .option(
      '--wait-for-switch',
      'poll until the new key is used, then deactivate the old one if it is no longer used',
    )
    .option('--poll-seconds <n>', 'seconds between polls with --wait-for-switch', '30')
    .option('--wait-timeout-minutes <n>', 'give up waiting after this long (the old key stays active)', '60');
  addRemediationOptions(command).addHelpText(
    'after',
    `
The manual procedure, automated: create a key, store it in Secrets Manager (never printed), tell the
owner; the application switches; the old key is deactivated once unused; the scheduled lifecycle
deletes it later (deleteAfterDays). Exempt users are never rotated.

Examples:
  $ keywarden rotate --user ci-deployer
  $ keywarden rotate --user ci-deployer --yes --wait-for-switch --poll-seconds 15`,
  );
  command.action(async (flags: RotateFlags) => {
    const userName = flags.user ?? '';
    const pollMs = positiveNumber('--poll-seconds', flags.pollSeconds) * 1000;
    const timeoutMs = positiveNumber('--wait-timeout-minutes', flags.waitTimeoutMinutes) * 60_000;
    const ctx = remediationContext(flags, io);
    const color = !!io.stdout.isTTY && !io.env.NO_COLOR;
    try {
      const { inventory } = await readInventory(ctx, () => {}, [userName]);
      if (!inventory.users.some((u) => u.userName === userName)) {
        throw new CliError(
          `--user: no IAM user ${JSON.stringify(userName)} in account ${inventory.accountId}`,
        );
      }
      const plan = planRotateNow(inventory, userName, ctx.policy, ctx.now, journalFacts(ctx.journalPath));
      io.stdout.write(renderPlan(plan, { color }));
      const create = plan.actions.find((a) => a.type === 'create-key');
      if (create === undefined || create.type !== 'create-key') {
        io.stderr.write(`keywarden: nothing to rotate for ${userName}\n`);
        setExitCode(1);
        return;
      }
      if (
        !flags.yes &&
        !(io.confirm && (await io.confirm(`Rotate ${create.replacesAccessKeyId} of ${userName}?`)))
      ) {
        io.stderr.write('keywarden: dry run: nothing changed (pass --yes to rotate)\n');
        return;
      }
      const base = applyOptions(ctx, io, '', flags.now !== undefined);
      const run = (p: Plan, runId: string) =>
        applyPlan(p, { ...base, runId, command: 'rotate', notifier: notifierFor(ctx, io) }).catch(
          (error: unknown) => {
            throw awsFailure(error, ctx.connection);
          },
        );
      const first = await run(plan, newRunId(ctx.now));
      io.stdout.write(renderResults(first.runId, first.results, { color }));
      const created = first.results.find((r) => r.type === 'create-key' && r.status === 'done');
      if (first.results.some((r) => r.status === 'failed') || created?.newAccessKeyId === undefined) {
        setExitCode(1);
        return;
      }
      if (!flags.waitForSwitch) return;
      const newKey = created.newAccessKeyId;
      io.stderr.write(`keywarden: waiting for ${userName} to use ${newKey} (every ${pollMs / 1000}s)\n`);
      const firstUse = await waitForFirstUse(ctx.clients.iam, newKey, pollMs, timeoutMs);
      if (firstUse === null) {
        io.stderr.write(
          `keywarden: ${newKey} was not used within the timeout; ${create.replacesAccessKeyId} stays active\n`,
        );
        setExitCode(1);
        return;
      }
      const old = await ctx.clients.iam.send(
        new GetAccessKeyLastUsedCommand({ AccessKeyId: create.replacesAccessKeyId }),
      );
      const oldLastUsed = old.AccessKeyLastUsed?.LastUsedDate ?? null;
      if (oldLastUsed !== null && oldLastUsed.getTime() > firstUse.getTime()) {
        io.stderr.write(
          `keywarden: ${create.replacesAccessKeyId} was used after the switch (${oldLastUsed.toISOString()}); not deactivated\n`,
        );
        setExitCode(1);
        return;
      }
      const deactivate: DeactivateKeyAction = {
        id: `${create.accountId}/${userName}/${create.replacesAccessKeyId}/deactivate-key/deactivate`,
        chainId: chainId(create.accountId, userName, create.replacesAccessKeyId, 'deactivate'),
        type: 'deactivate-key',
        accountId: create.accountId,
        userName,
        stage: 'deactivate',
        rule: 'KEY_ROTATION',
        accessKeyId: create.replacesAccessKeyId,
        reason: `The application switched to ${newKey} (first used ${firstUse.toISOString()}); the old key is unused since.`,
        expect: {
          status: 'Active',
          lastUsedDate: oldLastUsed?.toISOString() ?? null,
          replacementAccessKeyId: newKey,
        },
      };
      const second = await run(
        { ...plan, actions: [deactivate], deferred: [], blocked: [], skipped: [] },
        newRunId(ctx.now),
      );
      io.stdout.write(renderResults(second.runId, second.results, { color }));
      setExitCode(second.results.some((r: ActionResult) => r.status !== 'done') ? 1 : 0);
    } finally {
      ctx.close();
    }
  });
}

async function waitForFirstUse(
  iam: IAMClient,
  accessKeyId: string,
  pollMs: number,
  timeoutMs: number,
): Promise<Date | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
    const used = out.AccessKeyLastUsed?.LastUsedDate;
    if (used !== undefined) return used;
    if (Date.now() + pollMs > deadline) return null;
    await sleep(pollMs);
  }
}
