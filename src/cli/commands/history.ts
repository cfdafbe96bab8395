import type { Command } from 'commander';
import { hasRun, historyRows } from '../../core/journal/views.js';
import { type AwsFlags, addAwsOptions, connectionFrom } from '../connection.js';
import { CliError, parseChoice } from '../errors.js';
import { type CliIO, outputColumns } from '../io.js';
import { type LoadedPolicy, loadPolicy } from '../policy-loader.js';
import { JOURNAL_HELP, journalSpec, openCommandJournal, policyJournal, warn } from '../remediation.js';
import { renderHistory } from '../render/history.js';
import type { Session } from '../session.js';

interface HistoryFlags extends AwsFlags {
  readonly user?: string;
  readonly run?: string;
  readonly journal?: string;
  readonly config?: string;
  readonly format: string;
}

export function registerHistory(program: Command, io: CliIO, session: Session): void {
  const command = program
    .command('history')
    .description('Show the journal: every action of every run, in time order, and the keys rotations created')
    .option('--user <name>', 'only this user')
    .option('--run <run-id>', 'only this run')
    .option('--journal <location>', JOURNAL_HELP)
    .option(
      '--config <file>',
      'policy file, read only for journal.location (default: ./keywarden.yaml if present)',
    )
    .option('-f, --format <format>', 'table or json', 'table');
  addAwsOptions(command).addHelpText(
    'after',
    `
A DynamoDB journal is read with the AWS flags' credentials and region (its endpoint:
AWS_ENDPOINT_URL_DYNAMODB, else --endpoint-url); a file journal needs none.

Examples:
  $ keywarden history
  $ keywarden history --user demo-app
  $ keywarden history --run 2026-11-22T12-00-00Z-1a2b3c --format json
  $ keywarden history --journal dynamodb://keywarden-journal --region eu-west-1`,
  );
  command.action(async (flags: HistoryFlags) => {
    const format = parseChoice('--format', flags.format, ['table', 'json'] as const);
    const loaded = flags.journal === undefined ? policyIfAny(flags, io) : null;
    const spec = journalSpec(flags.journal, io, loaded === null ? null : policyJournal(loaded, io));
    // A file journal needs no AWS connection (nor a valid profile).
    const connection = spec.kind === 'dynamodb' ? connectionFrom(flags, io) : {};
    const journal = openCommandJournal(session, spec, connection, io);
    try {
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
    } finally {
      journal.close?.();
    }
  });
}

/** The policy, read only for its journal; one that does not load is a warning, never a reason not to show history. */
function policyIfAny(flags: HistoryFlags, io: CliIO): LoadedPolicy | null {
  try {
    return loadPolicy({ cwd: io.cwd, config: flags.config });
  } catch (error) {
    warn(io, [
      `${error instanceof Error ? error.message : String(error)}; reading KEYWARDEN_JOURNAL or the default journal`,
    ]);
    return null;
  }
}
