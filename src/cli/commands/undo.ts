import { resolve } from 'node:path';
import type { Command } from 'commander';
import { undoRun } from '../../engine/undo.js';
import { type AwsFlags, addAwsOptions, connectionFrom } from '../connection.js';
import { CliError, parseNow } from '../errors.js';
import { type CliIO, outputColumns } from '../io.js';
import { DEFAULT_JOURNAL } from '../remediation.js';
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
    .option('--journal <file>', `journal file (default: ${DEFAULT_JOURNAL})`)
    .option('--now <iso-time>', 'the time the undo run is journaled at; default: now');
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
    const fixedNow = flags.now === undefined ? null : parseNow(flags.now);
    const connection = connectionFrom(flags, io.env);
    const journal = openJournalAt(session, resolve(io.cwd, flags.journal ?? DEFAULT_JOURNAL));
    const clients = connect(session, connection);
    try {
      const deps = { clients, journal, notifier: null, clock: () => fixedNow ?? new Date() };
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
