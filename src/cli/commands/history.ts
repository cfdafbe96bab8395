import type { Command } from 'commander';
import { hasRun, historyRows } from '../../journal/views.js';
import { CliError, parseChoice } from '../errors.js';
import { type CliIO, outputColumns } from '../io.js';
import { DEFAULT_JOURNAL, journalPath, warn } from '../remediation.js';
import { renderHistory } from '../render/history.js';
import { openJournalAt, type Session } from '../session.js';

export function registerHistory(program: Command, io: CliIO, session: Session): void {
  program
    .command('history')
    .description('Show the journal: every action of every run, in time order, and the keys rotations created')
    .option('--user <name>', 'only this user')
    .option('--run <run-id>', 'only this run')
    .option('--journal <file>', `journal file (default: ${DEFAULT_JOURNAL})`)
    .option('--format <format>', 'table or json', 'table')
    .addHelpText(
      'after',
      '\nExamples:\n  $ keywarden history\n  $ keywarden history --user demo-app\n  $ keywarden history --run 2026-11-22T12-00-00Z-1a2b3c --format json',
    )
    .action(async (flags: { user?: string; run?: string; journal?: string; format: string }) => {
      const format = parseChoice('--format', flags.format, ['table', 'json'] as const);
      const journal = openJournalAt(session, journalPath(flags.journal, io));
      const { records, warnings } = await journal.read();
      warn(io, warnings);
      if (flags.run !== undefined && !hasRun(records, flags.run)) {
        throw new CliError(
          `--run: no run ${flags.run} in the journal ${journal.location} (see keywarden history)`,
        );
      }
      const rows = historyRows(records, { userName: flags.user, runId: flags.run });
      if (format === 'json') {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      io.stdout.write(renderHistory(rows, { columns: outputColumns(io) }));
    });
}
