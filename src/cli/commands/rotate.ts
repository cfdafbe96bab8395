import type { Command } from 'commander';
import { rotateUser } from '../../engine/rotate.js';
import { CliError } from '../errors.js';
import { type CliIO, outputColumns } from '../io.js';
import { logOf } from '../log.js';
import {
  addRemediationOptions,
  type RemediationFlags,
  remediationContext,
  reportLeased,
  resumeCommand,
  warn,
} from '../remediation.js';
import { planWarnings, renderPlan } from '../render/plan.js';
import { renderResults } from '../render/results.js';
import type { Session } from '../session.js';

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

export function registerRotate(
  program: Command,
  io: CliIO,
  session: Session,
  setExitCode: (code: number) => void,
): void {
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
  addRemediationOptions(command, { whatIf: false }).addHelpText(
    'after',
    `
The manual procedure, automated: create a key, store it in Secrets Manager (never printed), tell the
owner; the application switches; the old key is deactivated once unused; the scheduled lifecycle
deletes it later (deleteAfterDays). Exempt users are never rotated. With a shared journal, a run
that finds the account held by another does nothing: exit 0 when that run is live, 4 when it stopped
heartbeating (probably dead; the line says how to release its lease).

Examples:
  $ keywarden rotate --user ci-deployer
  $ keywarden rotate --user ci-deployer --yes --wait-for-switch --poll-seconds 15`,
  );
  command.action(async (flags: RotateFlags) => {
    const userName = flags.user ?? '';
    const pollMs = positiveNumber('--poll-seconds', flags.pollSeconds) * 1000;
    const timeoutMs = positiveNumber('--wait-timeout-minutes', flags.waitTimeoutMinutes) * 60_000;
    const ctx = remediationContext(flags, io, session, { changesAws: true });
    const color = !!io.stdout.isTTY && !io.env.NO_COLOR;
    const columns = outputColumns(io);
    try {
      warn(io, ctx.warnings);
      const out = await rotateUser(await ctx.deps({ notify: true }), ctx.policy, {
        userName,
        onPlan: (plan, warnings) => {
          warn(io, planWarnings(plan, warnings));
          io.stdout.write(renderPlan(plan, { color, columns }));
        },
        confirm: async (create) =>
          flags.yes === true ||
          (io.confirm !== undefined &&
            (await io.confirm(`Rotate ${create.replacesAccessKeyId} of ${userName}?`))),
        ...(flags.waitForSwitch
          ? {
              waitForSwitch: {
                pollMs,
                timeoutMs,
                onWaiting: (newKey: string) =>
                  io.stderr.write(
                    `keywarden: waiting for ${userName} to use ${newKey} (every ${pollMs / 1000}s)\n`,
                  ),
              },
            }
          : {}),
      });
      switch (out.kind) {
        case 'held-elsewhere':
          setExitCode(reportLeased(io, out, { journal: ctx.journal.location, flags }));
          return;
        case 'nothing-to-rotate':
          logOf(io).error(`nothing to rotate for ${userName}`);
          setExitCode(1);
          return;
        case 'declined':
          io.stderr.write('keywarden: dry run: nothing changed (pass --yes to rotate)\n');
          return;
        case 'rotated':
          break;
        default:
          return out satisfies never;
      }
      io.stdout.write(renderResults(out.rotation.runId, out.rotation.results, { color, columns }));
      if (out.rotation.unsettled !== undefined) {
        logOf(io).error(
          `stopped: ${out.rotation.unsettled}; nothing else was started. ` +
            `Finish with: ${resumeCommand(flags, ctx.journal.location, io.cwd)}`,
        );
        setExitCode(1);
        return;
      }
      const created = out.rotation.results.find((r) => r.type === 'create-key' && r.status === 'done');
      if (out.rotation.results.some((r) => r.status === 'failed') || created?.newAccessKeyId === undefined) {
        setExitCode(1);
        return;
      }
      const switchOver = out.switchOver;
      if (switchOver === null) return;
      switch (switchOver.kind) {
        case 'timeout':
          logOf(io).error(
            `${switchOver.newAccessKeyId} was not used within the timeout; ${switchOver.oldAccessKeyId} stays active`,
          );
          setExitCode(1);
          return;
        case 'old-key-still-used':
          logOf(io).error(switchOver.reason);
          setExitCode(1);
          return;
        case 'deactivated': {
          const { runId, results } = switchOver.execution;
          io.stdout.write(renderResults(runId, results, { color, columns }));
          setExitCode(results.some((r) => r.status !== 'done') ? 1 : 0);
          return;
        }
        default:
          return switchOver satisfies never;
      }
    } finally {
      ctx.close();
    }
  });
}
