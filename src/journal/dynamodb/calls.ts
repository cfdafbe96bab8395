/**
 * How the DynamoDB journal calls its table, and the one place it reads DynamoDB's errors: a missing
 * table, an unreachable DynamoDB and a condition that did not hold are told apart here, and nowhere
 * else in the journal.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  AwsErrorCode,
  awsErrorCode,
  callAws,
  describeAwsError,
  isAwsError,
  isNetworkError,
} from '../../sdk/errors.js';
import { JournalError } from '../journal.js';
import type { ItemKey } from './items.js';

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

export type Guard = <T>(fn: () => Promise<T>) => Promise<T>;

/** The journal's table, as its parts (records, leases, claims) call it. */
export interface JournalTable {
  readonly TableName: string;
  /** `dynamodb://TABLE`, for messages. */
  readonly location: string;
  readonly doc: DynamoDBDocumentClient;
  /** Wraps every AWS call of the journal; see {@link journalTable}. */
  readonly guard: Guard;
  /** The item at `key` (a consistent read); undefined when there is none. */
  getItem(key: ItemKey, what: string): Promise<Record<string, unknown> | undefined>;
}

/** The journal's view of `tableName`, through `client`. */
export function journalTable(client: DynamoDBClient, TableName: string): JournalTable {
  const doc = DynamoDBDocumentClient.from(client);
  const location = `dynamodb://${TableName}`;

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
          `${location}: cannot reach DynamoDB (${describeAwsError(causeOf(error)).code}); check --region, and AWS_ENDPOINT_URL_DYNAMODB or --endpoint-url`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  return {
    TableName,
    location,
    doc,
    guard,
    async getItem(key, what) {
      const out = await guard(() =>
        callAws('dynamodb:GetItem', `${location} ${what}`, () =>
          doc.send(new GetCommand({ TableName, Key: key, ConsistentRead: true })),
        ),
      );
      return out.Item;
    },
  };
}

/** A conditional put, or a transaction with one, whose condition failed. */
export function isConditionFailure(error: unknown): boolean {
  return isAwsError(error, AwsErrorCode.ConditionalCheckFailed) || claimLost(error);
}

/** True when a transaction failed because its claim delete found the claim held by another run. */
export function claimLost(error: unknown): boolean {
  if (awsErrorCode(error) !== AwsErrorCode.TransactionCanceled) return false;
  const reasons = (causeOf(error) as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
}

function causeOf(error: unknown): unknown {
  return error instanceof Error && error.cause !== undefined ? error.cause : error;
}

/** An item as a failed condition returns it (`ReturnValuesOnConditionCheckFailure: ALL_OLD`): raw. */
export type RawItem = Record<string, { S?: string; N?: string }>;

/** The item a failed condition found, raw. */
function conditionItem(error: unknown): RawItem | null {
  if (!isAwsError(error, AwsErrorCode.ConditionalCheckFailed)) return null;
  const item = (error as { Item?: RawItem }).Item;
  return item ?? {};
}

/**
 * Sends a conditional write: null when it was made, else the item its condition found (raw; empty
 * when there was none). Any other failure is thrown.
 */
export async function conditionally(send: () => Promise<unknown>): Promise<RawItem | null> {
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
export function rawString(item: Record<string, { S?: string }>, name: string): string {
  return item[name]?.S ?? '';
}
