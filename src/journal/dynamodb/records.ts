/**
 * The DynamoDB journal's records: the same records as the file journal, one item each (see
 * ./items.ts), written whole or not at all. Record numbers come from one atomic counter, so records
 * read back in exactly the order they were appended, whatever the clocks say. A record's run item
 * and the claim its outcome releases are written in the same transaction as the record.
 */
import {
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type JournalRecord, parseRecord } from '../../core/journal/records.js';
import { type Journal, JournalError } from '../journal.js';
import { ConditionFailedError, type JournalTable } from './calls.js';
import type { HeldClaims } from './claims.js';
import { claimKey, JOURNAL_PK, RECORD_PREFIX, recordKey, recordSk, runKey, sequenceKey } from './items.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The records kept in `table`, read `pageSize` records per Query page (DynamoDB's 1 MB page when
 * absent). An outcome releases its run's claim on the action when `held` has it.
 */
export function dynamoRecords(
  table: JournalTable,
  held: HeldClaims,
  pageSize: number | undefined,
): Pick<Journal, 'append' | 'read' | 'verify'> {
  const { doc, TableName, location, call, getItem } = table;
  /** Runs whose `run-started` this journal wrote, with the run each resumes. */
  const resumes = new Map<string, string | null>();

  async function nextRecordNumber(): Promise<number> {
    const out = await call('dynamodb:UpdateItem', `${location} record counter`, () =>
      doc.send(
        new UpdateCommand({
          TableName,
          Key: sequenceKey(),
          UpdateExpression: 'ADD #n :one',
          ExpressionAttributeNames: { '#n': 'n' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
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
        if (!held.has(record.runId, record.actionId)) return [];
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
      await call('dynamodb:PutItem', detail, async () => {
        if (extra.length === 0) await doc.send(new PutCommand(put));
        else await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...extra] }));
      });
    } catch (error) {
      // Record numbers come from the counter, so only this journal writes record `n`: a condition
      // that finds it there means an earlier attempt of this very call landed and its answer was
      // lost (a 5xx or a dropped connection after the write; the SDK then sent it again).
      if (!(error instanceof ConditionFailedError) || !(await recordIs(n, put.Item.record))) throw error;
    }
  }

  async function recordIs(n: number, text: string): Promise<boolean> {
    const item = await getItem(recordKey(n), `record ${n}`);
    return item?.record === text;
  }

  return {
    async append(record) {
      const n = await nextRecordNumber();
      const extra = await companions(record);
      try {
        await writeRecord(n, record, extra);
      } catch (error) {
        // The claim this outcome releases was taken over (its run was recovered meanwhile): its
        // delete's condition failed the transaction. The outcome is still the record of what
        // happened, so it is written on its own.
        if (record.type !== 'outcome' || extra.length === 0 || !(error instanceof ConditionFailedError)) {
          throw error;
        }
        await writeRecord(n, record, []);
      }
      switch (record.type) {
        case 'run-started':
          resumes.set(record.runId, record.resumeOf);
          break;
        case 'outcome':
          held.delete(record.runId, record.actionId);
          break;
        default:
          break;
      }
    },
    async read() {
      const records: JournalRecord[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page: QueryCommandOutput = await call('dynamodb:Query', `${location} records`, () =>
          doc.send(
            new QueryCommand({
              TableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
              ExpressionAttributeValues: { ':pk': JOURNAL_PK, ':prefix': RECORD_PREFIX },
              ConsistentRead: true,
              ...(pageSize === undefined ? {} : { Limit: pageSize }),
              ...(start === undefined ? {} : { ExclusiveStartKey: start }),
            }),
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
    async verify() {
      await getItem(sequenceKey(), 'record counter');
    },
  };
}
