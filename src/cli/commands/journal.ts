import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { createJournalTable, JOURNAL_TABLE_SCHEMA } from '../../journal/dynamodb.js';
import { parseJournalLocation } from '../../journal/open.js';
import { type AwsFlags, addAwsOptions, connectionFrom } from '../connection.js';
import { CliError } from '../errors.js';
import type { CliIO } from '../io.js';
import { journalClientConfig, warn } from '../remediation.js';
import type { Session } from '../session.js';

export function registerJournal(program: Command, io: CliIO, session: Session): void {
  const journal = program
    .command('journal')
    .description('Set up a journal that every run shares (a DynamoDB table): keywarden journal create')
    .addHelpText(
      'after',
      `
A file journal (the default) belongs to one user on one machine. A DynamoDB journal is shared by
every run, the CLI anywhere and the Lambda functions alike: one run acts on an account at a time.

Examples:
  $ keywarden journal create dynamodb://keywarden-journal
  $ keywarden apply --yes --journal dynamodb://keywarden-journal
  $ keywarden history --journal dynamodb://keywarden-journal`,
    );
  const create = journal
    .command('create')
    .argument('<location>', 'dynamodb://TABLE')
    .description(
      'Create the DynamoDB table of a shared journal: on-demand billing, point-in-time recovery, TTL; idempotent',
    );
  addAwsOptions(create).addHelpText(
    'after',
    `
The table gets partition key ${JOURNAL_TABLE_SCHEMA.partitionKey} (S), sort key ${JOURNAL_TABLE_SCHEMA.sortKey} (S), on-demand billing,
point-in-time recovery and TTL on ${JOURNAL_TABLE_SCHEMA.timeToLiveAttribute} (lapsed leases only; records never expire). It waits until
the table is ACTIVE. Run it again at any time: a table with this key schema is kept and only what is
missing is turned on; a table with another key schema is an error and is left as it is. DynamoDB is
regional: use the same --region for every command that uses the journal. Its endpoint is
AWS_ENDPOINT_URL_DYNAMODB when set, else --endpoint-url.

Examples:
  $ keywarden journal create dynamodb://keywarden-journal --region eu-west-1
  $ keywarden apply --journal dynamodb://keywarden-journal --region eu-west-1
  $ echo 'journal: dynamodb://keywarden-journal' >> keywarden.yaml`,
  );
  create.action(async (location: string, flags: AwsFlags) => {
    const spec = parseJournalLocation(location, '<location>');
    if (spec.kind !== 'dynamodb') {
      throw new CliError(
        `<location>: journal create makes a DynamoDB table, give dynamodb://TABLE; a file journal is created by the first run that writes it (got ${JSON.stringify(location)})`,
      );
    }
    const connection = connectionFrom(flags, io.env);
    session.connection = connection;
    const client = new DynamoDBClient(journalClientConfig(connection, io.env));
    try {
      const result = await createJournalTable(client, spec.tableName);
      warn(io, result.warnings);
      const name = `dynamodb://${spec.tableName}`;
      if (result.created) {
        io.stdout.write(`${name}: ${result.changes.join(', ')}\n`);
      } else if (result.changes.length > 0) {
        io.stdout.write(
          `${name}: the table was there with the journal's key schema; ${result.changes.join(', ')}\n`,
        );
      } else {
        io.stdout.write(
          `${name}: already a Keywarden journal (key schema, point-in-time recovery, TTL); nothing changed\n`,
        );
      }
      io.stdout.write(
        `Use it with --journal ${name}, KEYWARDEN_JOURNAL=${name}, or "journal: ${name}" in keywarden.yaml\n`,
      );
    } finally {
      client.destroy();
    }
  });
}
