import type { Command } from 'commander';
import { historyRows } from '../../journal/views.js';
import { parseChoice } from '../errors.js';
import type { CliIO } from '../io.js';
import { DEFAULT_JOURNAL, journalPath, warn } from '../remediation.js';
import { openJournalAt, type Session } from '../session.js';

export function registerHistory(program: Command, io: CliIO, session: Session): void {
  program
    .command('history')
    .description('Show the journal: every intent and outcome of every run')
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
      const rows = historyRows(records, { userName: flags.user, runId: flags.run });
      if (format === 'json') {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        io.stdout.write('no journal entries\n');
        return;
      }
      for (const r of rows) {
        io.stdout.write(
          `${r.at}  ${r.runId}  ${r.status.padEnd(7)} ${r.type.padEnd(20)} ${r.accountId}/${r.userName} ${r.accessKeyId ?? ''}${r.reason ? `  (${r.reason})` : ''}\n`,
        );
      }
    });
}
