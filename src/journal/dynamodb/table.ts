/**
 * Making a journal table (`keywarden journal create`): the table, point-in-time recovery and TTL,
 * each only when missing, so running it again changes nothing.
 */
import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { AwsErrorCode, callAws, isAwsError } from '../../sdk/errors.js';
import { JournalError } from '../journal.js';
import { JOURNAL_TABLE_SCHEMA } from './items.js';

export interface CreateTableResult {
  /** False when the table was there already (with the right key schema). */
  readonly created: boolean;
  /** What this call changed, in words: `created the table`, `turned on point-in-time recovery`, ... */
  readonly changes: readonly string[];
  readonly warnings: readonly string[];
}

export interface CreateTableOptions {
  /** Between status polls; tests pass a no-op. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Give up waiting for ACTIVE after this long (default 10 minutes). */
  readonly maxWaitMs?: number;
  readonly pollMs?: number;
}

/**
 * Makes `tableName` a journal table: creates it (on-demand billing), waits until it is ACTIVE, then
 * turns on point-in-time recovery and TTL on `expiresAt`. Idempotent: a table that exists with the
 * journal's key schema is kept and only what is missing is turned on; one with another key schema
 * is an error, and nothing is changed.
 */
export async function createJournalTable(
  client: DynamoDBClient,
  tableName: string,
  options: CreateTableOptions = {},
): Promise<CreateTableResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = options.pollMs ?? 2_000;
  const polls = Math.max(1, Math.ceil((options.maxWaitMs ?? 600_000) / pollMs));
  const { partitionKey, sortKey, timeToLiveAttribute } = JOURNAL_TABLE_SCHEMA;
  const where = `dynamodb://${tableName}`;
  const changes: string[] = [];
  const warnings: string[] = [];

  let created = true;
  try {
    await callAws('dynamodb:CreateTable', where, () =>
      client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: partitionKey, AttributeType: 'S' },
            { AttributeName: sortKey, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
        }),
      ),
    );
    changes.push('created the table (on-demand billing)');
  } catch (error) {
    if (!isAwsError(error, AwsErrorCode.ResourceInUse)) throw error;
    created = false;
  }

  let table = await describeTable(client, tableName);
  if (!created) {
    const problem = keySchemaProblem(table);
    if (problem !== null) {
      throw new JournalError(
        `${where}: the table exists with ${problem}; a Keywarden journal needs partition key ${partitionKey} (S) and sort key ${sortKey} (S): name another table`,
      );
    }
  }
  for (let poll = 1; table.TableStatus !== 'ACTIVE'; poll++) {
    if (table.TableStatus === 'DELETING' || poll > polls) {
      throw new JournalError(
        `${where}: the table is ${table.TableStatus ?? 'in an unknown state'}, not ACTIVE; try again when it is`,
      );
    }
    await sleep(pollMs);
    table = await describeTable(client, tableName);
  }

  const backups = await callAws('dynamodb:DescribeContinuousBackups', where, () =>
    client.send(new DescribeContinuousBackupsCommand({ TableName: tableName })),
  );
  if (
    backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus !==
    'ENABLED'
  ) {
    // A table just created may not take it yet: DynamoDB says so with
    // ContinuousBackupsUnavailableException until its backups are set up.
    for (let poll = 1; ; poll++) {
      try {
        await callAws('dynamodb:UpdateContinuousBackups', where, () =>
          client.send(
            new UpdateContinuousBackupsCommand({
              TableName: tableName,
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            }),
          ),
        );
        break;
      } catch (error) {
        if (!isAwsError(error, AwsErrorCode.ContinuousBackupsUnavailable) || poll >= polls) throw error;
        await sleep(pollMs);
      }
    }
    changes.push('turned on point-in-time recovery');
  }

  const ttl = await callAws('dynamodb:DescribeTimeToLive', where, () =>
    client.send(new DescribeTimeToLiveCommand({ TableName: tableName })),
  );
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus ?? 'DISABLED';
  const attribute = ttl.TimeToLiveDescription?.AttributeName;
  if (status === 'DISABLED') {
    await callAws('dynamodb:UpdateTimeToLive', where, () =>
      client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { Enabled: true, AttributeName: timeToLiveAttribute },
        }),
      ),
    );
    changes.push(`turned on TTL on ${timeToLiveAttribute}`);
  } else if (attribute !== undefined && attribute !== timeToLiveAttribute) {
    warnings.push(
      `${where}: TTL is on ${attribute}, not ${timeToLiveAttribute}: lapsed leases stay in the table (harmless; they are taken over as usual)`,
    );
  }
  return { created, changes, warnings };
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  const out = await callAws('dynamodb:DescribeTable', `dynamodb://${tableName}`, () =>
    client.send(new DescribeTableCommand({ TableName: tableName })),
  );
  return out.Table ?? {};
}

/** Null when the table's keys are the journal's; else what they are, in words. */
function keySchemaProblem(table: TableDescription): string | null {
  const typeOf = (name: string | undefined) =>
    table.AttributeDefinitions?.find((d) => d.AttributeName === name)?.AttributeType ?? '?';
  const keys = table.KeySchema ?? [];
  const hash = keys.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const range = keys.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  const { partitionKey, sortKey } = JOURNAL_TABLE_SCHEMA;
  if (hash === partitionKey && range === sortKey && typeOf(hash) === 'S' && typeOf(range) === 'S')
    return null;
  const described = keys
    .map((k) => `${k.AttributeName} (${k.KeyType}, ${typeOf(k.AttributeName)})`)
    .join(' and ');
  return `key schema ${described || 'unknown'}`;
}
