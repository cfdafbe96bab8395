/**
 * The DynamoDB journal's table layout: one table that every run shares, with a string partition key
 * `pk` and a string sort key `sk`, and TTL on `expiresAt` (`keywarden journal create` makes it so;
 * the CDK stack makes the same table). Items:
 *
 * | item     | pk                 | sk                       | attributes |
 * |----------|--------------------|--------------------------|------------|
 * | sequence | `journal`          | `sequence`               | `n`: the last record number handed out |
 * | record   | `journal`          | `record#<15-digit n>`    | `record` (the record's JSON, as a file line), `runId`, `type`, `at` |
 * | run      | `run#<runId>`      | `run`                    | `state` (started, finished), `command`, `resumeOf`, `accountId`, `startedAt`, `finishedAt`, `recoveredBy`, `recoveredAt` |
 * | claim    | `intent#<actionId>`| `claim`                  | `runId`, `accountId`, `since`: the run whose intent of that action has no outcome yet |
 * | lease    | `lease#<accountId>`| `lease`                  | `accountId`, `runId`, `command`, `since`, `renewedAt`, `until`, `untilMs`, `expiresAt` (TTL: a day after it lapses) |
 */

/** The key schema and TTL attribute the journal table must have. */
export const JOURNAL_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
} as const;

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export const JOURNAL_PK = 'journal';
const SEQUENCE_SK = 'sequence';
export const RECORD_PREFIX = 'record#';
const RECORD_DIGITS = 15;
export const LEASE_PREFIX = 'lease#';
export const LEASE_SK = 'lease';
/** How long a lapsed lease stays before TTL removes it. */
export const DAY_SECONDS = 86_400;

export const recordSk = (n: number) => `${RECORD_PREFIX}${String(n).padStart(RECORD_DIGITS, '0')}`;
export const sequenceKey = (): ItemKey => ({ pk: JOURNAL_PK, sk: SEQUENCE_SK });
export const recordKey = (n: number): ItemKey => ({ pk: JOURNAL_PK, sk: recordSk(n) });
export const runKey = (runId: string): ItemKey => ({ pk: `run#${runId}`, sk: 'run' });
export const claimKey = (actionId: string): ItemKey => ({ pk: `intent#${actionId}`, sk: 'claim' });
export const leaseKey = (accountId: string): ItemKey => ({ pk: `${LEASE_PREFIX}${accountId}`, sk: LEASE_SK });
