/**
 * Account leases in the DynamoDB journal: one item per account (see ./items.ts), taken, renewed and
 * released with conditional writes, so of runs racing for an account exactly one holds it.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  type ScanCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type AccountLease,
  type JournalLeases,
  LeaseHeldError,
  LeaseLostError,
  type LeaseRelease,
} from '../journal.js';
import { ConditionFailedError, type JournalTable } from './calls.js';
import { DAY_SECONDS, LEASE_PREFIX, LEASE_SK, leaseKey } from './items.js';

/** The leases kept in `table`, each holding `durationSeconds` after it is taken or renewed. */
export function dynamoLeases(table: JournalTable, durationSeconds: number): JournalLeases {
  const { doc, TableName, call } = table;
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
  /** From an item as read (Get, Scan) or as a failed condition found it. */
  const leaseOf = (item: Readonly<Record<string, unknown>>): AccountLease => {
    const text = (name: string) => {
      const value = item[name];
      return typeof value === 'string' ? value : '';
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
  /** The lease a failed condition found there; null when there is none. */
  const foundLease = ({ found }: ConditionFailedError): AccountLease | null =>
    found === null || (found.runId ?? '') === '' ? null : leaseOf(found);
  /**
   * Deletes the account's lease when `condition` holds; else throws the
   * {@link ConditionFailedError} with the lease it found.
   */
  const deleteLease = (
    accountId: string,
    condition: string,
    values: Record<string, string | number>,
  ): Promise<unknown> =>
    call('dynamodb:DeleteItem', `lease on account ${accountId}`, () =>
      doc.send(
        new DeleteCommand({
          TableName,
          Key: leaseKey(accountId),
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
  const until = (now: Date) => new Date(now.getTime() + durationSeconds * 1000).toISOString();
  return {
    durationSeconds,
    async acquire({ accountId, runId, command, now }) {
      const at = now.toISOString();
      const lease: AccountLease = { accountId, runId, command, since: at, renewedAt: at, until: until(now) };
      try {
        await call('dynamodb:PutItem', `lease on account ${accountId}`, () =>
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
        );
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        throw new LeaseHeldError(leaseOf({ accountId, ...error.found }), { cause: error });
      }
      return lease;
    },
    async renew(lease, now) {
      const renewed: AccountLease = { ...lease, renewedAt: now.toISOString(), until: until(now) };
      const item = itemOf(renewed);
      try {
        await call('dynamodb:UpdateItem', `lease on account ${lease.accountId}`, () =>
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
        );
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        throw new LeaseLostError(lease, foundLease(error));
      }
      return renewed;
    },
    async release(lease) {
      try {
        await deleteLease(lease.accountId, 'runId = :run', { ':run': lease.runId });
      } catch (error) {
        // Another run holds it by now: it is theirs to release.
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    },
    async list(filter = {}) {
      const { accountId } = filter;
      if (accountId !== undefined) {
        const out = await call('dynamodb:GetItem', `lease on account ${accountId}`, () =>
          doc.send(new GetCommand({ TableName, Key: leaseKey(accountId), ConsistentRead: true })),
        );
        return out.Item === undefined ? [] : [leaseOf(out.Item)];
      }
      const leases: AccountLease[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page: ScanCommandOutput = await call('dynamodb:Scan', `dynamodb://${TableName} leases`, () =>
          doc.send(
            new ScanCommand({
              TableName,
              FilterExpression: 'begins_with(pk, :lease) AND sk = :sk',
              ExpressionAttributeValues: { ':lease': LEASE_PREFIX, ':sk': LEASE_SK },
              ConsistentRead: true,
              ...(start === undefined ? {} : { ExclusiveStartKey: start }),
            }),
          ),
        );
        for (const item of page.Items ?? []) leases.push(leaseOf(item));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return leases.sort((a, b) => a.accountId.localeCompare(b.accountId));
    },
    async releaseIfUnchanged(seen): Promise<LeaseRelease> {
      try {
        // The record as read: its run, its taking and its last renewal (which moves `until`).
        await deleteLease(seen.accountId, 'runId = :run AND since = :since AND untilMs = :untilMs', {
          ':run': seen.runId,
          ':since': seen.since,
          ':untilMs': Date.parse(seen.until),
        });
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        return { kind: 'changed', current: foundLease(error) };
      }
      return { kind: 'released' };
    },
  };
}
