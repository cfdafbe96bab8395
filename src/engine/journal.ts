/**
 * The journal as an entry point opens it: from its location as written (a file path, or
 * `dynamodb://TABLE`), a DynamoDB journal's client on the entry point's connection; and the table
 * a shared journal lives in, made once with `keywarden journal create`.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { type CreateTableResult, createJournalTable } from '../journal/dynamodb/table.js';
import { clientConfig } from '../sdk/clients.js';
import type { AwsConnection } from '../sdk/connection.js';

export { JOURNAL_TABLE_SCHEMA } from '../journal/dynamodb/items.js';
export { type AccountLease, type Journal, LeaseLostError } from '../journal/journal.js';
export {
  type JournalSpec,
  type OpenJournalOptions,
  openJournal,
  parseJournalLocation,
} from '../journal/open.js';

/**
 * The DynamoDB journal's client: the connection's region and credentials; its endpoint is
 * `AWS_ENDPOINT_URL_DYNAMODB` when set (the emulator has no DynamoDB: a test or a sandbox user
 * points the journal elsewhere), else the connection's.
 */
export function journalClientConfig(connection: AwsConnection, env: NodeJS.ProcessEnv): DynamoDBClientConfig {
  const config = clientConfig(connection);
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || config.endpoint;
  return { ...config, ...(endpoint ? { endpoint } : {}) };
}

/**
 * Makes `tableName` a shared journal's table (idempotent: see {@link createJournalTable}), with a
 * client on `connection` that is released afterwards.
 */
export async function createSharedJournal(
  connection: AwsConnection,
  env: NodeJS.ProcessEnv,
  tableName: string,
): Promise<CreateTableResult> {
  const client = new DynamoDBClient(journalClientConfig(connection, env));
  try {
    return await createJournalTable(client, tableName);
  } finally {
    client.destroy();
  }
}
