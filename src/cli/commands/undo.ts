import { type Command, Option } from 'commander';
import { doneActions } from '../../core/journal/views.js';
import type { ActionResult } from '../../core/plan/outcome.js';
import type { UndoPlan } from '../../core/plan/recovery.js';
import { DEFAULT_POLICY } from '../../core/policy/types.js';
import { resolveAccounts } from '../../engine/resolve-accounts.js';
import { undoRun } from '../../engine/undo.js';
import { type AccountFlags, addAccountOptions, connectOrgAccount, parseAccountTarget } from '../accounts.js';
import { type AwsFlags, addAwsOptions, awsFailure, connectionFrom } from '../connection.js';
import { CliError, parseIntegerOption } from '../errors.js';
import { type CliIO, outputColumns } from '../io.js';
import { type LoadedPolicy, loadPolicy } from '../policy-loader.js';
import {
  JOURNAL_HELP,
  journalSpec,
  openCommandJournal,
  policyJournal,
  refuseNow,
  reportLeased,
  warn,
} from '../remediation.js';
import { fitRow } from '../render/fit.js';
import { renderCannotUndo, renderResults } from '../render/results.js';
import { connect, type Session } from '../session.js';

/** Undo needs the journal and the account, not the policy: a broken policy file must not block it. */
interface UndoFlags extends AwsFlags, AccountFlags {
  readonly yes?: boolean;
  readonly journal?: string;
  readonly now?: string;
  readonly holdDays?: string;
  readonly config?: string;
}

/**
 * The policy, read only for the hold and the journal's location. A policy file that does not load
 * is a warning here (`fallback` says what is used instead), never a reason not to undo.
 */
function policyIfAny(flags: UndoFlags, io: CliIO, fallback: string): LoadedPolicy | null {
  try {
    return loadPolicy({ cwd: io.cwd, config: flags.config });
  } catch (error) {
    io.stderr.write(
      `keywarden: warning: ${error instanceof Error ? error.message : String(error)}; ${fallback}\n`,
    );
    return null;
  }
}

/** How long an undo holds each key: `--hold-days`, else the policy's rotation.inUseGraceDays. */
function holdDays(flags: UndoFlags, loaded: LoadedPolicy | null): number {
  if (flags.holdDays !== undefined) return parseIntegerOption('--hold-days', flags.holdDays, 0, 3650);
  return (loaded?.policy ?? DEFAULT_POLICY).rotation.inUseGraceDays;
}

export function registerUndo(
  program: Command,
  io: CliIO,
  session: Session,
  setExitCode: (code: number) => void,
): void {
  const command = program
    .command('undo')
    .argument('<run-id>', 'the run to undo (see keywarden history)')
    .description('Reactivate the keys a run deactivated (if they still exist); list what cannot be undone')
    .option('--yes', 'undo without asking')
    .option(
      '--hold-days <n>',
      "days the lifecycle leaves each reactivated key alone (default: the policy's rotation.inUseGraceDays)",
    )
    .option(
      '--config <file>',
      'policy file, read only for the hold and the journal (default: ./keywarden.yaml if present)',
    )
    .option('--journal <location>', JOURNAL_HELP)
    // Accepted only to be refused with a reason, as apply and rotate do.
    .addOption(new Option('--now <iso-time>').hideHelp());
  addAccountOptions(addAwsOptions(command), { concurrency: false }).addHelpText(
    'after',
    `
Deleted keys and deleted console passwords cannot be restored; undo lists them. Each key it
reactivates is held: the next runs do not deactivate it again until the hold ends. Without --yes
and without a terminal to ask on, it lists what it would do and changes nothing. With a shared
journal, an undo that finds the account held by another run does nothing: exit 0 when that run is
live, 4 when it stopped heartbeating (probably dead; the line says how to release its lease).

Examples:
  $ keywarden history
  $ keywarden undo 2026-11-22T12-00-00Z-1a2b3c            # lists what it would do
  $ keywarden undo 2026-11-22T12-00-00Z-1a2b3c --yes --hold-days 30
  $ keywarden undo 2026-11-22T12-00-00Z-1a2b3c --yes --journal dynamodb://keywarden-journal
  $ keywarden undo 2026-11-22T12-00-00Z-1a2b3c --yes --org        # a run of apply --org, in its account

With --org or --accounts, undo works in the account the run acted in (each account of an
apply --org has its own run id; see keywarden history), through --role-name like apply.`,
  );
  command.action(async (runId: string, flags: UndoFlags) => {
    if (!/^[\w.:-]+$/.test(runId))
      throw new CliError(`<run-id>: not a run id (got ${JSON.stringify(runId)})`);
    refuseNow(flags.now);
    const target = parseAccountTarget(flags);
    const instead = [
      flags.holdDays === undefined ? `holding keys ${DEFAULT_POLICY.rotation.inUseGraceDays} days` : null,
      flags.journal === undefined ? 'using KEYWARDEN_JOURNAL or the default journal' : null,
    ].filter((s) => s !== null);
    const loaded = instead.length > 0 ? policyIfAny(flags, io, instead.join(', ')) : null;
    const hold = holdDays(flags, loaded);
    const spec = journalSpec(flags.journal, io, loaded === null ? null : policyJournal(loaded, io));
    const connection = connectionFrom(flags, io);
    const journal = openCommandJournal(session, spec, connection, io, loaded?.policy.journal.leaseSeconds);
    let clients = connect(session, connection);
    try {
      await journal.verify?.();
      if (target.kind === 'many') {
        // The run's account, reached through its role, as apply --org reached it.
        const caller = clients;
        const accounts = [
          ...new Set(doneActions((await journal.read()).records, runId).map((d) => d.action.accountId)),
        ];
        if (accounts.length > 1) {
          throw new CliError(
            `<run-id>: run ${runId} acted in ${accounts.length} accounts; undo one run per account`,
          );
        }
        const [accountId] = accounts;
        if (accountId !== undefined) {
          const resolved = await resolveAccounts(target, connection, caller).catch((error: unknown) => {
            throw awsFailure(error, connection);
          });
          if (!resolved.selected.some((a) => a.id === accountId)) {
            throw new CliError(
              `<run-id>: run ${runId} acted in account ${accountId}, which the account flags do not select`,
            );
          }
          const member = connectOrgAccount(connection, resolved, accountId);
          caller.close();
          clients = member;
          await member.assume().catch((error: unknown) => {
            throw awsFailure(error, connection);
          });
        }
      }
      // The undo run is journaled at the service's time, as apply's runs are.
      await clients.calibrate();
      const deps = { clients, journal, notifier: null, clock: () => clients.serviceNow() };
      const out = await undoRun(deps, runId, {
        holdDays: hold,
        confirm: async (plan, warnings) => {
          warn(io, warnings);
          if (flags.yes === true) return true;
          io.stdout.write(renderUndoPlan(runId, plan, hold, outputColumns(io)));
          return io.confirm !== undefined && (await io.confirm(`Undo run ${runId}?`));
        },
      });
      if (out.kind === 'held-elsewhere') {
        setExitCode(reportLeased(io, out, { journal: journal.location, flags }));
        return;
      }
      if (out.kind === 'declined') {
        io.stderr.write('keywarden: dry run: nothing changed (pass --yes to undo)\n');
        return;
      }
      const columns = outputColumns(io);
      io.stdout.write(
        renderResults(out.runId, out.results, { color: !!io.stdout.isTTY && !io.env.NO_COLOR, columns }),
      );
      io.stdout.write(renderCannotUndo(out.cannotUndo, { columns }));
      if (out.results.some((r) => r.status === 'done')) {
        io.stdout.write(exemptionHint(out.results, hold, columns));
      }
      setExitCode(out.results.some((r) => r.status === 'failed') ? 1 : 0);
    } finally {
      clients.close();
      journal.close?.();
    }
  });
}

/** What an undo would do, for the dry run, fitted to `columns`. */
function renderUndoPlan(runId: string, plan: UndoPlan, hold: number, columns: number): string {
  const lines = fitRow(
    '',
    [],
    `Undo of run ${runId}: ${plan.actions.length} key(s) to reactivate, held ${hold} day(s)`,
    columns,
    { hang: '  ' },
  );
  for (const a of plan.actions) {
    lines.push(
      ...fitRow('  ', ['reactivate-key'], `${a.accountId}/${a.userName} ${a.accessKeyId}`, columns, {
        separator: ' ',
      }),
    );
  }
  return `${lines.join('\n')}\n${renderCannotUndo(plan.cannotUndo, { columns })}`;
}

/** How to make the reprieve permanent: the hold only lasts `hold` days. */
function exemptionHint(results: readonly ActionResult[], hold: number, columns: number): string {
  const users = [...new Set(results.filter((r) => r.status === 'done').map((r) => r.userName))];
  const hint =
    `The reactivated keys are held for ${hold} day(s): no run deactivates them again before then. To keep ` +
    `Keywarden away from ${users.join(', ')} for good, exempt the user: tag it keywarden:exempt=true ` +
    '(with keywarden:exempt-reason), or list it under exemptions.users in the policy with a reason.';
  return `${fitRow('', [], hint, columns, { hang: '' }).join('\n')}\n`;
}
