import type { Command } from 'commander';
import type { ActionResult } from '../../core/plan/outcome.js';
import { changesAws, type Plan } from '../../core/plan/types.js';
import { LeaseLostError } from '../../engine/journal.js';
import { remediateAccount } from '../../engine/remediate.js';
import { type AccountFlags, addAccountOptions, parseAccountTarget } from '../accounts.js';
import { CliError, parseChoice } from '../errors.js';
import { type CliIO, exitCodeFor, outputColumns, type StopSignal } from '../io.js';
import { logOf } from '../log.js';
import { inManyAccounts, multiAccountApply } from '../multi-remediation.js';
import {
  addRemediationOptions,
  confirm,
  interruptedMessage,
  type RemediationFlags,
  remediationContext,
  reportLeased,
  resumeCommand,
  warn,
} from '../remediation.js';
import { planWarnings, renderPlan } from '../render/plan.js';
import { renderResults } from '../render/results.js';
import type { Session } from '../session.js';

interface ApplyFlags extends RemediationFlags, AccountFlags {
  readonly yes?: boolean;
  readonly resume?: boolean;
  readonly format?: string;
}

const FORMATS = ['table', 'json'] as const;

export function registerApply(
  program: Command,
  io: CliIO,
  session: Session,
  setExitCode: (code: number) => void,
): void {
  const command = program
    .command('apply')
    .description('Carry out the remediation plan (dry run unless --yes or confirmed on a terminal)')
    .option('--yes', 'apply without asking')
    .option(
      '--resume',
      'first finish an interrupted run: delete keys created but never stored, then plan again',
    )
    .option('-f, --format <format>', 'table or json (default: table on a terminal, json otherwise)');
  addAccountOptions(addRemediationOptions(command, { whatIf: false })).addHelpText(
    'after',
    `
Every change is journaled before and after it happens; live IAM state is re-read before each change
and an action whose assumptions no longer hold is skipped. New keys go to Secrets Manager only.
Keywarden deletes, deactivates or reactivates only keys it can prove it made, or keys a finding
names; a key someone else makes meanwhile is left alone, reported and its owner told. One run at a
time uses a file journal (a second one says which run and process hold it, does nothing, exits 0).
A stopped run prints the exact command that resumes it.
With a shared journal (--journal dynamodb://TABLE) one run acts on an account at a time: a run that
finds another run's lease on the account says which run holds it and does nothing; when that run
stopped heartbeating (probably dead) it also says how to release its lease (keywarden journal release).
Exit codes: 0 applied (or dry run, or a live run holds the account), 1 an action failed, 2 usage,
policy or credentials error, 4 the account is held by a run that stopped heartbeating.

Examples:
  $ keywarden apply                      # shows the plan; asks on a terminal, otherwise changes nothing
  $ keywarden apply --yes --max-actions 10
  $ keywarden apply --yes --resume       # after a crash or a kill
  $ keywarden apply --yes --request-timeout 10   # give up on a call after 10 s (default 30)
  $ keywarden apply --preset aws-config --yes
  $ keywarden apply --yes --journal dynamodb://keywarden-journal   # shared with other runs and the Lambda
  $ keywarden apply --org --yes --max-actions 100   # every account; the cap is for the whole run

Many accounts (--org, --accounts): without --yes a dry run that prints each account's plan (nobody is
asked account by account); with --yes each account is remediated in its assumed role, one journal for
the run; --max-actions caps the whole run across accounts; an account that fails is reported and the
others complete (exit 3).`,
  );
  command.action(async (flags: ApplyFlags) => {
    const format = parseChoice('--format', flags.format ?? (io.stdout.isTTY ? 'table' : 'json'), FORMATS);
    const target = parseAccountTarget(flags);
    const ctx = remediationContext(flags, io, session, { changesAws: true });
    if (target.kind === 'many') {
      const options = {
        target,
        now: null,
        format,
        yes: flags.yes === true,
        resume: flags.resume === true,
        resumeCommand: resumeCommand(flags, ctx.journal.location, io.cwd),
      };
      setExitCode(
        await inManyAccounts(io, session, flags, ctx, (base) =>
          multiAccountApply(io, session, { ...base, ...options }),
        ),
      );
      return;
    }
    // Ctrl-C or SIGTERM: finish the action in flight, start no other, say how to resume.
    let stopSignal: StopSignal | null = null;
    void io.takeInterrupts().then((signal) => {
      stopSignal = signal;
      io.stderr.write(
        `\nkeywarden: ${signal}: stopping after the action in flight (again to stop at once)\n`,
      );
    });
    const color = !!io.stdout.isTTY && !io.env.NO_COLOR;
    const columns = outputColumns(io);
    const json = (value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    const resume = resumeCommand(flags, ctx.journal.location, io.cwd);
    // Asked to resume without --yes: only an interrupted run makes it go on to apply a plan.
    let interrupted = 0;
    try {
      warn(io, ctx.warnings);
      const onResult =
        format === 'table' && io.stderr.isTTY
          ? (r: ActionResult) => io.stderr.write(`\r\x1b[2K… ${r.type} ${r.userName}`)
          : undefined;
      const deps = { ...(await ctx.deps({ notify: true, onResult })), shouldStop: () => stopSignal !== null };
      const out = await remediateAccount(deps, ctx.policy, {
        maxActions: ctx.maxActions,
        resume: flags.resume === true,
        ...(flags.yes
          ? {}
          : {
              confirmRecovery: (n: number) => {
                interrupted = n;
                return confirm(io, `Recover ${n} interrupted run(s)?`);
              },
            }),
        confirmPlan: async ({ plan, warnings }) => {
          if (flags.resume === true && flags.yes !== true && interrupted === 0) return false;
          warn(io, planWarnings(plan, warnings));
          if (format === 'table') io.stdout.write(renderPlan(plan, { color, columns }));
          const changes = plan.actions.filter(changesAws).length;
          const notices = plan.actions.filter((a) => a.type === 'notify').length;
          const question = `Apply ${changes} change(s)${notices > 0 ? ` and send ${notices} notice(s)` : ''}?`;
          const go = flags.yes === true || (await confirm(io, question));
          return go && stopSignal === null;
        },
      });
      if (io.stderr.isTTY) io.stderr.write('\r\x1b[2K');
      const journal = ctx.journal.location;
      // A run stops early only when asked to, and only a signal asks here.
      const signal = (): StopSignal => stopSignal ?? 'SIGINT';
      const resumeWithoutYes = flags.resume === true && flags.yes !== true && interrupted === 0;
      const sayRecovered = ({ recovery }: { readonly recovery: { recovered: readonly string[] } | null }) => {
        if (recovery === null) return;
        io.stderr.write(
          recovery.recovered.length === 0
            ? `keywarden: no interrupted run to resume in ${journal}\n`
            : `keywarden: recovered run(s) ${recovery.recovered.join(', ')}\n`,
        );
      };
      const showResults = (runId: string, plan: Plan, results: readonly ActionResult[]) => {
        if (format === 'json') json({ runId, plan, results, journal });
        else io.stdout.write(renderResults(runId, results, { color, columns }));
      };
      switch (out.kind) {
        case 'held-elsewhere':
          if (format === 'json') json({ runId: null, leasedBy: out.lease, results: [], journal });
          setExitCode(reportLeased(io, out, { journal, flags }));
          return;
        case 'interrupted':
          // The engine's words name the command; the CLI knows the exact one.
          throw new CliError(interruptedMessage(resume, out.runIds));
        case 'recovery-declined':
          io.stderr.write('keywarden: dry run: nothing changed (pass --yes to resume)\n');
          return;
        case 'nothing-to-do': {
          sayRecovered(out);
          const { plan, warnings } = out.planned;
          warn(io, warnings);
          if (format === 'table') io.stdout.write(renderPlan(plan, { color, columns }));
          else json({ runId: null, plan, results: out.recovery?.results ?? [], journal });
          return;
        }
        case 'declined':
          sayRecovered(out);
          if (format === 'json') json({ runId: null, plan: out.planned.plan, results: [], journal });
          io.stderr.write(
            resumeWithoutYes
              ? 'keywarden: nothing to resume, so nothing changed (to apply the plan, pass --yes with --resume, or run apply without --resume)\n'
              : 'keywarden: dry run: nothing changed (pass --yes to apply)\n',
          );
          return;
        case 'stopped': {
          if (out.execution === null) {
            logOf(io).error(`stopped by ${signal()} before any change`);
            setExitCode(exitCodeFor(signal()));
            return;
          }
          sayRecovered(out);
          const results = [...(out.recovery?.results ?? []), ...out.execution.results];
          showResults(out.execution.runId, out.planned.plan, results);
          logOf(io).error(
            `stopped by ${signal()} after ${results.length} action(s); nothing else was started. ` +
              `Finish with: ${resume}`,
          );
          setExitCode(exitCodeFor(signal()));
          return;
        }
        case 'unsettled': {
          sayRecovered(out);
          const results = [...(out.recovery?.results ?? []), ...out.execution.results];
          showResults(out.execution.runId, out.planned.plan, results);
          logOf(io).error(`stopped: ${out.reason}; nothing else was started. Finish with: ${resume}`);
          setExitCode(1);
          return;
        }
        case 'applied': {
          sayRecovered(out);
          const results = [...(out.recovery?.results ?? []), ...out.execution.results];
          showResults(out.execution.runId, out.planned.plan, results);
          if (format === 'table') io.stdout.write(`journal: ${journal}\n`);
          const undelivered = results.filter(
            (r) => r.type === 'notify' && (r.status === 'failed' || r.status === 'skipped'),
          );
          if (undelivered.length > 0) {
            warn(io, [
              `${undelivered.length} notice(s) were not delivered (${undelivered[0]?.reason ?? 'unknown'}); ` +
                'each is sent again by the next run until it is delivered once',
            ]);
          }
          setExitCode(results.some((r) => r.status === 'failed') ? 1 : 0);
          return;
        }
        default:
          return out satisfies never;
      }
    } catch (error) {
      // The journal's words name the command; the CLI knows the exact one.
      if (error instanceof LeaseLostError) {
        throw new CliError(
          `${error.message.replace(/Finish it later with: .*$/, '')}Finish it later with: ${resume}`,
          2,
          { cause: error },
        );
      }
      throw error;
    } finally {
      ctx.close();
    }
  });
}
