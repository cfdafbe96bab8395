/**
 * The DynamoDB journal: the same records as the file journal, in one table that every run shares
 * (the CLI anywhere, the Lambda functions), plus what sharing needs: a lease per account and a claim
 * per action intent, both conditional writes.
 *
 * The table has a string partition key `pk` and a string sort key `sk`, and TTL on `expiresAt`
 * (`keywarden journal create` makes it so; the CDK stack makes the same table). Items:
 *
 * | item     | pk                 | sk                       | attributes |
 * |----------|--------------------|--------------------------|------------|
 * | sequence | `journal`          | `sequence`               | `n`: the last record number handed out |
 * | record   | `journal`          | `record#<15-digit n>`    | `record` (the record's JSON, as a file line), `runId`, `type`, `at` |
 * | run      | `run#<runId>`      | `run`                    | `state` (started, finished), `command`, `resumeOf`, `accountId`, `startedAt`, `finishedAt`, `recoveredBy` |
 * | claim    | `intent#<actionId>`| `claim`                  | `runId`, `accountId`, `since`: the run whose intent of that action has no outcome yet |
 * | lease    | `lease#<accountId>`| `lease`                  | `accountId`, `runId`, `command`, `since`, `renewedAt`, `until`, `untilMs`, `expiresAt` (TTL: a day after it lapses) |
 *
 * Record numbers come from one atomic counter, so records read back in exactly the order they were
 * appended, whatever the clocks say. A record is one item, written whole or not at all.
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
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type JournalRecord, parseRecord } from '../core/journal/records.js';
import { AwsErrorCode, awsErrorCode, callAws, isAwsError, isNetworkError } from '../sdk/errors.js';
import {
  type AccountLease,
  type IntentHolder,
  type Journal,
  JournalError,
  type JournalIntentClaims,
  type JournalLeases,
  LeaseLostError,
  type LeaseRelease,
} from './journal.js';

/** The key schema and TTL attribute the journal table must have. */
export const JOURNAL_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
} as const;

/** The table named by a journal does not exist (in this account and region). */
export class JournalTableMissingError extends JournalError {
  override readonly name = 'JournalTableMissingError';
  constructor(
    readonly tableName: string,
    options?: { cause?: unknown },
  ) {
    super(
      `dynamodb://${tableName}: the DynamoDB table ${tableName} does not exist in this account and region; ` +
        `create it with: keywarden journal create dynamodb://${tableName}`,
      options,
    );
  }
}

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

const JOURNAL_PK = 'journal';
const SEQUENCE_SK = 'sequence';
const RECORD_PREFIX = 'record#';
const RECORD_DIGITS = 15;
const DAY_SECONDS = 86_400;
/** A claim held by a finished run is taken over; this many tries when others race for it too. */
const CLAIM_ATTEMPTS = 3;

const recordSk = (n: number) => `${RECORD_PREFIX}${String(n).padStart(RECORD_DIGITS, '0')}`;
const runKey = (runId: string) => ({ pk: `run#${runId}`, sk: 'run' });
const claimKey = (actionId: string) => ({ pk: `intent#${actionId}`, sk: 'claim' });
const LEASE_PREFIX = 'lease#';
const leaseKey = (accountId: string) => ({ pk: `${LEASE_PREFIX}${accountId}`, sk: 'lease' });

/** Opens the journal kept in `tableName`; nothing is called until it is used. */
export function openDynamoJournal(options: DynamoJournalOptions): Journal {
  const { tableName: TableName, client } = options;
  const doc = DynamoDBDocumentClient.from(client);
  const location = `dynamodb://${TableName}`;
  /** Runs whose `run-started` this journal wrote, with the run each resumes. */
  const resumes = new Map<string, string | null>();
  /** `runId\nactionId` of the claims this journal took and has not released. */
  const held = new Set<string>();
  const claimed = (runId: string, actionId: string) => `${runId}\n${actionId}`;

  /**
   * Every AWS call: a missing table is said in one line with the command that creates it, and an
   * unreachable DynamoDB names the journal (its endpoint may differ from the other services').
   */
  async function guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isAwsError(error, AwsErrorCode.ResourceNotFound)) {
        throw new JournalTableMissingError(TableName, { cause: error });
      }
      if (isNetworkError(error)) {
        throw new JournalError(
          `${location}: cannot reach DynamoDB (${awsErrorCode(error) ?? 'Error'}); check --region, and AWS_ENDPOINT_URL_DYNAMODB or --endpoint-url`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async function nextRecordNumber(): Promise<number> {
    const out = await guard(() =>
      callAws('dynamodb:UpdateItem', `${location} record counter`, () =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: { pk: JOURNAL_PK, sk: SEQUENCE_SK },
            UpdateExpression: 'ADD #n :one',
            ExpressionAttributeNames: { '#n': 'n' },
            ExpressionAttributeValues: { ':one': 1 },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      ),
    );
    const n = out.Attributes?.n;
    if (typeof n !== 'number') throw new JournalError(`${location}: the record counter is not a number`);
    return n;
  }

  /** The run a resume run completes: known when this journal started it, else from its run item. */
  async function resumeOfRun(runId: string): Promise<string | null> {
    const known = resumes.get(runId);
    if (known !== undefined) return known;
    const item = await getItem(runKey(runId), `run ${runId}`);
    return typeof item?.resumeOf === 'string' ? item.resumeOf : null;
  }

  async function getItem(
    key: { pk: string; sk: string },
    what: string,
  ): Promise<Record<string, unknown> | undefined> {
    const out = await guard(() =>
      callAws('dynamodb:GetItem', `${location} ${what}`, () =>
        doc.send(new GetCommand({ TableName, Key: key, ConsistentRead: true })),
      ),
    );
    return out.Item;
  }

  /** The writes that go with a record, in the same transaction. */
  async function companions(record: JournalRecord): Promise<TransactItem[]> {
    switch (record.type) {
      case 'run-started':
        return [
          {
            Put: {
              TableName,
              Item: {
                ...runKey(record.runId),
                runId: record.runId,
                state: 'started',
                command: record.command,
                resumeOf: record.resumeOf,
                startedAt: record.at,
                ...(record.accountId === undefined ? {} : { accountId: record.accountId }),
              },
            },
          },
        ];
      case 'run-finished': {
        const resumeOf = await resumeOfRun(record.runId);
        return [
          {
            Update: {
              TableName,
              Key: runKey(record.runId),
              UpdateExpression: 'SET #state = :finished, finishedAt = :at',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':finished': 'finished', ':at': record.at },
            },
          },
          ...(resumeOf === null
            ? []
            : [
                {
                  Update: {
                    TableName,
                    Key: runKey(resumeOf),
                    UpdateExpression: 'SET recoveredBy = :run, recoveredAt = :at',
                    ExpressionAttributeValues: { ':run': record.runId, ':at': record.at },
                  },
                },
              ]),
        ];
      }
      case 'outcome':
        if (!held.has(claimed(record.runId, record.actionId))) return [];
        return [
          {
            Delete: {
              TableName,
              Key: claimKey(record.actionId),
              ConditionExpression: 'runId = :run',
              ExpressionAttributeValues: { ':run': record.runId },
            },
          },
        ];
      case 'intent':
        return [];
      default:
        return record satisfies never;
    }
  }

  async function writeRecord(
    n: number,
    record: JournalRecord,
    extra: readonly TransactItem[],
  ): Promise<void> {
    const put = {
      TableName,
      Item: {
        pk: JOURNAL_PK,
        sk: recordSk(n),
        runId: record.runId,
        type: record.type,
        at: record.at,
        record: JSON.stringify(record),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    const detail = `${location} record ${n} (${record.type} of run ${record.runId})`;
    try {
      await guard(() =>
        callAws('dynamodb:PutItem', detail, async () => {
          if (extra.length === 0) await doc.send(new PutCommand(put));
          else await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...extra] }));
        }),
      );
    } catch (error) {
      // Record numbers come from the counter, so only this journal writes record `n`: a condition
      // that finds it there means an earlier attempt of this very call landed and its answer was
      // lost (a 5xx or a dropped connection after the write; the SDK then sent it again).
      if (!isConditionFailure(error) || !(await recordIs(n, put.Item.record))) throw error;
    }
  }

  async function recordIs(n: number, text: string): Promise<boolean> {
    const item = await getItem({ pk: JOURNAL_PK, sk: recordSk(n) }, `record ${n}`);
    return item?.record === text;
  }

  const journal: Journal = {
    location,
    async append(record) {
      const n = await nextRecordNumber();
      const extra = await companions(record);
      try {
        await writeRecord(n, record, extra);
      } catch (error) {
        // The claim this outcome releases was taken over (its run was recovered meanwhile): the
        // outcome is still the record of what happened, so it is written on its own.
        if (record.type !== 'outcome' || extra.length === 0 || !claimLost(error)) throw error;
        await writeRecord(n, record, []);
      }
      switch (record.type) {
        case 'run-started':
          resumes.set(record.runId, record.resumeOf);
          break;
        case 'outcome':
          held.delete(claimed(record.runId, record.actionId));
          break;
        default:
          break;
      }
    },
    async read() {
      const records: JournalRecord[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page: QueryCommandOutput = await guard(() =>
          callAws('dynamodb:Query', `${location} records`, () =>
            doc.send(
              new QueryCommand({
                TableName,
                KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
                ExpressionAttributeValues: { ':pk': JOURNAL_PK, ':prefix': RECORD_PREFIX },
                ConsistentRead: true,
                ...(options.pageSize === undefined ? {} : { Limit: options.pageSize }),
                ...(start === undefined ? {} : { ExclusiveStartKey: start }),
              }),
            ),
          ),
        );
        for (const item of page.Items ?? []) {
          const where = `item ${String(item.sk)}`;
          const parsed =
            typeof item.record === 'string'
              ? parseRecord(item.record, where)
              : { error: `${where}: has no record attribute` };
          if ('error' in parsed) {
            throw new JournalError(
              `${location}: ${parsed.error}; records are never rewritten, so restore that item from a backup (point-in-time recovery) or remove it by hand`,
            );
          }
          records.push(parsed.record);
        }
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return { records, warnings: [] };
    },
    leases: dynamoLeases(doc, TableName, options.leaseSeconds, guard),
    intents: dynamoClaims(doc, TableName, location, guard, getItem, (runId, actionId) =>
      held.add(claimed(runId, actionId)),
    ),
    async verify() {
      await getItem({ pk: JOURNAL_PK, sk: SEQUENCE_SK }, 'record counter');
    },
    close() {
      if (options.ownsClient) client.destroy();
    },
  };
  return journal;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Guard = <T>(fn: () => Promise<T>) => Promise<T>;

/** A conditional put, or a transaction with one, whose condition failed. */
function isConditionFailure(error: unknown): boolean {
  return isAwsError(error, AwsErrorCode.ConditionalCheckFailed) || claimLost(error);
}

/** True when a transaction failed because its claim delete found the claim held by another run. */
function claimLost(error: unknown): boolean {
  if (awsErrorCode(error) !== AwsErrorCode.TransactionCanceled) return false;
  const reasons = (causeOf(error) as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
}

function causeOf(error: unknown): unknown {
  return error instanceof Error && error.cause !== undefined ? error.cause : error;
}

/** The item a failed condition found (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), raw. */
function conditionItem(error: unknown): Record<string, { S?: string; N?: string }> | null {
  if (!isAwsError(error, AwsErrorCode.ConditionalCheckFailed)) return null;
  const item = (error as { Item?: Record<string, { S?: string; N?: string }> }).Item;
  return item ?? {};
}

/**
 * Sends a conditional write: null when it was made, else the item its condition found (raw; empty
 * when there was none). Any other failure is thrown.
 */
async function conditionally(
  send: () => Promise<unknown>,
): Promise<Record<string, { S?: string; N?: string }> | null> {
  try {
    await send();
    return null;
  } catch (error) {
    const item = conditionItem(error);
    if (item === null) throw error;
    return item;
  }
}

/** lib-dynamodb leaves that item as raw attribute values: read the strings by hand. */
function rawString(item: Record<string, { S?: string }>, name: string): string {
  return item[name]?.S ?? '';
}

function dynamoLeases(
  doc: DynamoDBDocumentClient,
  TableName: string,
  durationSeconds: number,
  guard: Guard,
): JournalLeases {
  const itemOf = (lease: AccountLease) => {
    const untilMs = Date.parse(lease.until);
    return {
      ...leaseKey(lease.accountId),
      accountId: lease.accountId,
      runId: lease.runId,
      command: lease.command,
      since: lease.since,
      renewedAt: lease.renewedAt,
      until: lease.until,
      untilMs,
      expiresAt: Math.ceil(untilMs / 1000) + DAY_SECONDS,
    };
  };
  /** From a document item (Get, Scan), or the raw one a failed condition returns. */
  const leaseOf = (item: Record<string, unknown>): AccountLease => {
    const text = (name: string) => {
      const value = item[name];
      if (typeof value === 'string') return value;
      const raw = (value as { S?: unknown } | undefined)?.S;
      return typeof raw === 'string' ? raw : '';
    };
    const since = text('since');
    return {
      accountId: text('accountId') || text('pk').slice(LEASE_PREFIX.length),
      runId: text('runId'),
      command: text('command'),
      since,
      renewedAt: text('renewedAt') || since,
      until: text('until'),
    };
  };
  /**
   * Deletes the account's lease when `condition` holds: null when deleted, else the item the
   * condition found (empty: none).
   */
  const deleteLease = (
    accountId: string,
    condition: string,
    values: Record<string, string | number>,
  ): Promise<Record<string, { S?: string }> | null> =>
    guard(() =>
      callAws('dynamodb:DeleteItem', `lease on account ${accountId}`, () =>
        conditionally(() =>
          doc.send(
            new DeleteCommand({
              TableName,
              Key: leaseKey(accountId),
              ConditionExpression: condition,
              ExpressionAttributeValues: values,
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          ),
        ),
      ),
    );
  const until = (now: Date) => new Date(now.getTime() + durationSeconds * 1000).toISOString();
  return {
    durationSeconds,
    async acquire({ accountId, runId, command, now }) {
      const at = now.toISOString();
      const lease: AccountLease = { accountId, runId, command, since: at, renewedAt: at, until: until(now) };
      const other = await guard(() =>
        callAws('dynamodb:PutItem', `lease on account ${accountId}`, () =>
          conditionally(() =>
            doc.send(
              new PutCommand({
                TableName,
                Item: itemOf(lease),
                // Free, lapsed, or already this run's.
                ConditionExpression: 'attribute_not_exists(pk) OR untilMs < :now OR runId = :run',
                ExpressionAttributeValues: { ':now': now.getTime(), ':run': runId },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              }),
            ),
          ),
        ),
      );
      return other === null
        ? { kind: 'acquired', lease }
        : { kind: 'held', lease: leaseOf({ accountId, ...other }) };
    },
    async renew(lease, now) {
      const renewed: AccountLease = { ...lease, renewedAt: now.toISOString(), until: until(now) };
      const item = itemOf(renewed);
      const other = await guard(() =>
        callAws('dynamodb:UpdateItem', `lease on account ${lease.accountId}`, () =>
          conditionally(() =>
            doc.send(
              new UpdateCommand({
                TableName,
                Key: leaseKey(lease.accountId),
                UpdateExpression:
                  'SET #until = :until, untilMs = :untilMs, renewedAt = :renewedAt, expiresAt = :expiresAt',
                ConditionExpression: 'runId = :run',
                ExpressionAttributeNames: { '#until': 'until' },
                ExpressionAttributeValues: {
                  ':until': item.until,
                  ':untilMs': item.untilMs,
                  ':renewedAt': item.renewedAt,
                  ':expiresAt': item.expiresAt,
                  ':run': lease.runId,
                },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              }),
            ),
          ),
        ),
      );
      if (other !== null) {
        throw new LeaseLostError(lease, rawString(other, 'runId') === '' ? null : leaseOf(other));
      }
      return renewed;
    },
    async release(lease) {
      await deleteLease(lease.accountId, 'runId = :run', { ':run': lease.runId });
    },
    async list(filter = {}) {
      const { accountId } = filter;
      if (accountId !== undefined) {
        const out = await guard(() =>
          callAws('dynamodb:GetItem', `lease on account ${accountId}`, () =>
            doc.send(new GetCommand({ TableName, Key: leaseKey(accountId), ConsistentRead: true })),
          ),
        );
        return out.Item === undefined ? [] : [leaseOf(out.Item)];
      }
      const leases: AccountLease[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page: ScanCommandOutput = await guard(() =>
          callAws('dynamodb:Scan', `dynamodb://${TableName} leases`, () =>
            doc.send(
              new ScanCommand({
                TableName,
                FilterExpression: 'begins_with(pk, :lease) AND sk = :sk',
                ExpressionAttributeValues: { ':lease': LEASE_PREFIX, ':sk': 'lease' },
                ConsistentRead: true,
                ...(start === undefined ? {} : { ExclusiveStartKey: start }),
              }),
            ),
          ),
        );
        for (const item of page.Items ?? []) leases.push(leaseOf(item));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return leases.sort((a, b) => a.accountId.localeCompare(b.accountId));
    },
    async releaseIfUnchanged(seen): Promise<LeaseRelease> {
      // The record as read: its run, its taking and its last renewal (which moves `until`).
      const other = await deleteLease(
        seen.accountId,
        'runId = :run AND since = :since AND untilMs = :untilMs',
        {
          ':run': seen.runId,
          ':since': seen.since,
          ':untilMs': Date.parse(seen.until),
        },
      );
      if (other === null) return { kind: 'released' };
      return { kind: 'changed', current: rawString(other, 'runId') === '' ? null : leaseOf(other) };
    },
  };
}

function dynamoClaims(
  doc: DynamoDBDocumentClient,
  TableName: string,
  location: string,
  guard: Guard,
  getItem: (key: { pk: string; sk: string }, what: string) => Promise<Record<string, unknown> | undefined>,
  onClaimed: (runId: string, actionId: string) => void,
): JournalIntentClaims {
  /** Null when written; else the claim's holder as the failed condition found it. */
  const put = (
    request: { actionId: string; accountId: string; runId: string; at: string },
    condition: string,
    values: Record<string, string>,
  ): Promise<IntentHolder | null> =>
    guard(() =>
      callAws('dynamodb:PutItem', `${location} claim of ${request.actionId}`, async () => {
        const item = await conditionally(() =>
          doc.send(
            new PutCommand({
              TableName,
              Item: {
                ...claimKey(request.actionId),
                actionId: request.actionId,
                accountId: request.accountId,
                runId: request.runId,
                since: request.at,
              },
              ConditionExpression: condition,
              ExpressionAttributeValues: values,
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          ),
        );
        return item === null ? null : { runId: rawString(item, 'runId'), since: rawString(item, 'since') };
      }),
    );
  return {
    async claim(request) {
      const { runId, resumeOf } = request;
      let holder = await put(
        request,
        resumeOf === null
          ? 'attribute_not_exists(pk) OR runId = :run'
          : 'attribute_not_exists(pk) OR runId = :run OR runId = :resumed',
        resumeOf === null ? { ':run': runId } : { ':run': runId, ':resumed': resumeOf },
      );
      for (let attempt = 1; holder !== null && attempt <= CLAIM_ATTEMPTS; attempt++) {
        // A claim outlives its run only when the run stopped between intent and outcome. Once that
        // run is finished, or a finished resume recovered it, the claim is stale: take it over,
        // but only from that holder (another run may be taking it over too).
        const run = await getItem(runKey(holder.runId), `run ${holder.runId}`);
        const stale = run !== undefined && (run.state === 'finished' || typeof run.recoveredBy === 'string');
        if (!stale) break;
        holder = await put(request, 'runId = :stale', { ':stale': holder.runId });
      }
      if (holder === null) onClaimed(runId, request.actionId);
      return holder;
    },
  };
}

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
