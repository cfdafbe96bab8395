/**
 * How the DynamoDB journal calls its table, and the one place its records, leases and claims read
 * DynamoDB's errors: a missing table, an unreachable DynamoDB and a condition that did not hold
 * (ConditionalCheckFailed, or a transaction cancelled by one) become the journal's own errors here,
 * the way Powertools' idempotency layer turns ConditionalCheckFailed into its
 * IdempotencyItemAlreadyExistsError carrying the record it found. Making the table (./table.ts) reads
 * the two answers of its own calls where it makes them.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Permission } from '../../core/permission.js';
import { AwsErrorCode, awsErrorCode, callAws, isAwsError, isNetworkError } from '../../sdk/errors.js';
import { JournalError } from '../journal.js';
import type { ItemKey } from './items.js';

/** The table named by a journal does not exist (in this account and region). */
class JournalTableMissingError extends JournalError {
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

/** The journal's table, as its parts (records, leases, claims) call it. */
export interface JournalTable {
  readonly TableName: string;
  /** `dynamodb://TABLE`, for messages. */
  readonly location: string;
  readonly doc: DynamoDBDocumentClient;
  /**
   * Makes one call of the journal through {@link callAws}, and maps what it throws once: a missing
   * table is a {@link JournalTableMissingError}, an unreachable DynamoDB a {@link JournalError}
   * naming the journal, and a condition that did not hold a {@link ConditionFailedError}.
   */
  call<T>(permission: Permission, detail: string, send: () => Promise<T>): Promise<T>;
  /** The item at `key` (a consistent read); undefined when there is none. */
  getItem(key: ItemKey, what: string): Promise<Record<string, unknown> | undefined>;
}

/** The journal's view of `tableName`, through `client`. */
export function journalTable(client: DynamoDBClient, TableName: string): JournalTable {
  const doc = DynamoDBDocumentClient.from(client);
  const location = `dynamodb://${TableName}`;

  async function call<T>(permission: Permission, detail: string, send: () => Promise<T>): Promise<T> {
    try {
      return await callAws(permission, detail, send);
    } catch (error) {
      // A missing table is said in one line with the command that creates it, and an unreachable
      // DynamoDB names the journal (its endpoint may differ from the other services').
      if (isAwsError(error, AwsErrorCode.ResourceNotFound)) {
        throw new JournalTableMissingError(TableName, { cause: error });
      }
      if (isNetworkError(error)) {
        throw new JournalError(
          `${location}: cannot reach DynamoDB (${awsErrorCode(error) ?? 'Error'}); check --region, and AWS_ENDPOINT_URL_DYNAMODB or --endpoint-url`,
          { cause: error },
        );
      }
      const failed = conditionFailure(error);
      if (failed !== null) throw failed;
      throw error;
    }
  }

  return {
    TableName,
    location,
    doc,
    call,
    async getItem(key, what) {
      const out = await call('dynamodb:GetItem', `${location} ${what}`, () =>
        doc.send(new GetCommand({ TableName, Key: key, ConsistentRead: true })),
      );
      return out.Item;
    },
  };
}

/**
 * A conditional write whose condition did not hold: a put or delete (with the item it found, when
 * it asked for it with `ReturnValuesOnConditionCheckFailure: ALL_OLD`), or a transaction one of
 * whose conditions failed. Records, leases and claims turn it into what it means for them.
 */
export class ConditionFailedError extends JournalError {
  override readonly name = 'ConditionFailedError';
  constructor(
    message: string,
    /**
     * The string attributes of the item the condition found (asked for with
     * `ReturnValuesOnConditionCheckFailure: ALL_OLD`); null when there was none, or in a transaction.
     */
    readonly found: Readonly<Record<string, string>> | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The {@link ConditionFailedError} that `error` (from {@link callAws}) is; null when it is another failure. */
function conditionFailure(error: unknown): ConditionFailedError | null {
  const message = error instanceof Error ? error.message : String(error);
  const sdkError = causeOf(error);
  if (isAwsError(error, AwsErrorCode.ConditionalCheckFailed)) {
    // lib-dynamodb leaves this item as raw attribute values: the strings are read by hand.
    const item = (sdkError as { Item?: Record<string, { S?: unknown }> }).Item;
    const found =
      item === undefined || Object.keys(item).length === 0
        ? null
        : Object.fromEntries(
            Object.entries(item).flatMap(([name, value]) =>
              typeof value?.S === 'string' ? [[name, value.S]] : [],
            ),
          );
    return new ConditionFailedError(message, found, { cause: error });
  }
  if (isAwsError(error, AwsErrorCode.TransactionCanceled)) {
    const reasons = (sdkError as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) {
      return new ConditionFailedError(message, null, { cause: error });
    }
  }
  return null;
}

function causeOf(error: unknown): unknown {
  return error instanceof Error && error.cause !== undefined ? error.cause : error;
}
