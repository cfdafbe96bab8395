/**
 * The DynamoDB journal: the same records as the file journal, in one table that every run shares
 * (the CLI anywhere, the Lambda functions), plus what sharing needs: a lease per account and a claim
 * per action intent, both conditional writes. Its parts: ./items.ts (the table layout),
 * ./records.ts, ./leases.ts, ./claims.ts, ./table.ts (making the table), and ./calls.ts (how it
 * calls DynamoDB and reads its errors).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Journal } from '../journal.js';
import { journalTable } from './calls.js';
import { dynamoClaims, HeldClaims } from './claims.js';
import { dynamoLeases } from './leases.js';
import { dynamoRecords } from './records.js';

export interface DynamoJournalOptions {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** How long a lease holds after it is taken or renewed. */
  readonly leaseSeconds: number;
  /** Records per Query page (DynamoDB's 1 MB page when absent); tests make it small. */
  readonly pageSize?: number;
  /** `close()` destroys the client too (it was built for this journal). Default false. */
  readonly ownsClient?: boolean;
}

/** Opens the journal kept in `tableName`; nothing is called until it is used. */
export function openDynamoJournal(options: DynamoJournalOptions): Journal {
  const table = journalTable(options.client, options.tableName);
  const held = new HeldClaims();
  return {
    location: table.location,
    ...dynamoRecords(table, held, options.pageSize),
    leases: dynamoLeases(table, options.leaseSeconds),
    intents: dynamoClaims(table, held),
    close() {
      if (options.ownsClient) options.client.destroy();
    },
  };
}
