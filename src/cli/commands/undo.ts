import { type Command, Option } from 'commander';
import { undoRun } from '../../engine/undo.js';
import { type AwsFlags, addAwsOptions, connectionFrom } from '../connection.js';
import { CliError } from '../errors.js';
import { type CliIO, outputColumns } from '../io.js';
import { DEFAULT_JOURNAL, journalPath, refuseNow } from '../remediation.js';
import { renderResults } from '../render/results.js';
import { connect, openJournalAt, type Session } from '../session.js';

/** Undo needs the journal and the account, not the policy: a broken policy file must not block it. */
interface UndoFlags extends AwsFlags {
  readonly yes?: boolean;
  readonly journal?: string;
  readonly now?: string;
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
    .option('--journal <file>', `journal file (default: KEYWARDEN_JOURNAL, else ${DEFAULT_JOURNAL})`)
    // Accepted only to be refused with a reason, as apply and rotate do.
    .addOption(new Option('--now <iso-time>').hideHelp());
  addAwsOptions(command).addHelpText(
    'after',
    `
Deleted keys and deleted console passwords cannot be restored; undo lists them.

Examples:
  $ keywarden history
  $ keywarden undo 2026-11-22T12-00-00Z-1a2b3c --yes`,
  );
  command.action(async (runId: string, flags: UndoFlags) => {
    if (!/^[\w.:-]+$/.test(runId))
      throw new CliError(`<run-id>: not a run id (got ${JSON.stringify(runId)})`);
    refuseNow(flags.now);
    const connection = connectionFrom(flags, io.env);
    const journal = openJournalAt(session, journalPath(flags.journal, io));
    const clients = connect(session, connection);
    try {
      // The undo run is journaled at the service's time, as apply's runs are.
      await clients.serviceClock.calibrate(clients.sts);
      const deps = { clients, journal, notifier: null, clock: () => clients.serviceClock.now() };
      const out = await undoRun(deps, runId, {
        confirm: async () =>
          flags.yes === true || (io.confirm !== undefined && (await io.confirm(`Undo run ${runId}?`))),
      });
      if (out.kind === 'declined') {
        io.stderr.write('keywarden: dry run: nothing changed (pass --yes to undo)\n');
        return;
      }
      io.stdout.write(
        renderResults(out.runId, out.results, {
          color: !!io.stdout.isTTY && !io.env.NO_COLOR,
          columns: outputColumns(io),
        }),
      );
      for (const c of out.cannotUndo) io.stdout.write(`  cannot undo ${c.actionId}: ${c.reason}\n`);
      setExitCode(out.results.some((r) => r.status === 'failed') ? 1 : 0);
    } finally {
      clients.close();
    }
  });
}
