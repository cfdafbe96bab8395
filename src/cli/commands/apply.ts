import type { Command } from 'commander';
import { type ActionResult, applyPlan, recoverIncompleteRuns } from '../../aws/apply.js';
import { createNotifier } from '../../channels/notifier.js';
import type { Notifier } from '../../channels/types.js';
import { newRunId, openJournal } from '../../journal/journal.js';
import { incompleteRuns } from '../../journal/records.js';
import { awsFailure } from '../connection.js';
import { CliError, parseChoice } from '../errors.js';
import type { CliIO } from '../io.js';
import {
  addRemediationOptions,
  clientsFor,
  planCurrentAccount,
  type RemediationContext,
  type RemediationFlags,
  remediationContext,
} from '../remediation.js';
import { renderPlan } from '../render/plan.js';
import { renderResults } from '../render/results.js';

interface ApplyFlags extends RemediationFlags {
  readonly yes?: boolean;
  readonly resume?: boolean;
  readonly format?: string;
}

/** Fault-injection hook for tests: the process kills itself right after this action's outcome is journaled. */
export const CRASH_AFTER_ENV = 'KEYWARDEN_TEST_CRASH_AFTER';

export function notifierFor(ctx: RemediationContext, io: CliIO): Notifier {
  return createNotifier(ctx.policy.notifications, {
    env: io.env,
    connection: ctx.connection,
    ssm: ctx.clients.ssm,
  });
}

export function applyOptions(ctx: RemediationContext, io: CliIO, runId: string, explicitNow: boolean) {
  const crashAfter = io.env[CRASH_AFTER_ENV] ?? null;
  return {
    runId,
    journal: openJournal(ctx.journalPath),
    // applyPlan caps again with the policy's maxActions: give it the effective cap (--max-actions).
    policy: { ...ctx.policy, remediation: { ...ctx.policy.remediation, maxActions: ctx.maxActions } },
    clientsFor: clientsFor(ctx),
    // With --now (what-if, tests, the emulator's clock) the run is stamped with that time, so the
    // journal and IAM share one timeline; otherwise with the wall clock.
    now: explicitNow ? () => ctx.now : () => new Date(),
    crashAfter,
    onCrash: () => process.kill(process.pid, 'SIGKILL'),
  };
}

const FORMATS = ['table', 'json'] as const;

export function registerApply(program: Command, io: CliIO, setExitCode: (code: number) => void): void {
  const command = program
    .command('apply')
    .description('Carry out the remediation plan (dry run unless --yes or confirmed on a terminal)')
    .option('--yes', 'apply without asking')
    .option(
      '--resume',
      'first finish an interrupted run: delete keys created but never stored, then plan again',
    )
    .option('--format <format>', 'table or json (default: table on a terminal, json otherwise)');
  addRemediationOptions(command).addHelpText(
    'after',
    `
Every change is journaled before and after it happens; live IAM state is re-read before each change
and an action whose assumptions no longer hold is skipped. New keys go to Secrets Manager only.
Exit codes: 0 applied (or dry run), 1 an action failed, 2 usage, policy or credentials error.

Examples:
  $ keywarden apply                      # shows the plan; asks on a terminal, otherwise changes nothing
  $ keywarden apply --yes --max-actions 10
  $ keywarden apply --yes --resume       # after a crash or a kill
  $ keywarden apply --preset aws-config --yes`,
  );
  command.action(async (flags: ApplyFlags) => {
    const format = parseChoice('--format', flags.format ?? (io.stdout.isTTY ? 'table' : 'json'), FORMATS);
    const ctx = remediationContext(flags, io);
    const color = !!io.stdout.isTTY && !io.env.NO_COLOR;
    try {
      for (const w of ctx.warnings) io.stderr.write(`keywarden: warning: ${w}\n`);
      const runId = newRunId(ctx.now);
      const base = applyOptions(ctx, io, runId, flags.now !== undefined);
      const recovered: ActionResult[] = [];
      if (flags.resume) {
        const pending = incompleteRuns(base.journal.read().records);
        if (pending.length === 0) io.stderr.write('keywarden: no interrupted run to resume\n');
        else {
          if (!flags.yes && !(await confirm(io, `Recover ${pending.length} interrupted run(s)?`))) {
            io.stderr.write('keywarden: dry run: nothing changed (pass --yes to resume)\n');
            return;
          }
          const out = await recoverIncompleteRuns({
            ...base,
            runId: newRunId(ctx.now),
            command: 'resume',
            notifier: notifierFor(ctx, io),
          }).catch((error: unknown) => {
            throw awsFailure(error, ctx.connection);
          });
          recovered.push(...out.results);
          io.stderr.write(`keywarden: recovered run(s) ${out.recovered.join(', ')}\n`);
        }
      } else if (incompleteRuns(base.journal.read().records).length > 0) {
        throw new CliError(
          'an earlier run was interrupted; finish it first with keywarden apply --resume (it deletes keys created but never stored)',
        );
      }
      const { plan, warnings } = await planCurrentAccount(ctx, () => {});
      for (const w of warnings) io.stderr.write(`keywarden: warning: ${w}\n`);
      const changes = plan.actions.length;
      if (format === 'table') io.stdout.write(renderPlan(plan, { color }));
      if (changes === 0) {
        if (format === 'json')
          io.stdout.write(`${JSON.stringify({ runId: null, plan, results: recovered }, null, 2)}\n`);
        return;
      }
      if (!flags.yes && !(await confirm(io, `Apply ${changes} action(s)?`))) {
        if (format === 'json')
          io.stdout.write(`${JSON.stringify({ runId: null, plan, results: [] }, null, 2)}\n`);
        io.stderr.write('keywarden: dry run: nothing changed (pass --yes to apply)\n');
        return;
      }
      const result = await applyPlan(plan, {
        ...base,
        notifier: notifierFor(ctx, io),
        command: flags.resume ? 'resume' : 'apply',
        onEvent:
          format === 'table' && io.stderr.isTTY
            ? (r) => io.stderr.write(`\r\x1b[2K… ${r.type} ${r.userName}`)
            : undefined,
      }).catch((error: unknown) => {
        throw awsFailure(error, ctx.connection);
      });
      if (io.stderr.isTTY) io.stderr.write('\r\x1b[2K');
      const results = [...recovered, ...result.results];
      if (format === 'json')
        io.stdout.write(`${JSON.stringify({ runId: result.runId, plan, results }, null, 2)}\n`);
      else io.stdout.write(renderResults(result.runId, results, { color }));
      setExitCode(results.some((r) => r.status === 'failed') ? 1 : 0);
    } finally {
      ctx.close();
    }
  });
}

async function confirm(io: CliIO, question: string): Promise<boolean> {
  return io.confirm ? io.confirm(question) : false;
}
