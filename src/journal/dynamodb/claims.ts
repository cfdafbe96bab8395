/**
 * Intent claims in the DynamoDB journal: one item per action (see ./items.ts), put with a condition
 * so that of runs racing for an action exactly one holds it. A run's outcome of the action releases
 * its claim, in the same transaction as the outcome's record (./records.ts).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ClaimHeldError, type IntentHolder, type JournalIntentClaims } from '../journal.js';
import { ConditionFailedError, type JournalTable } from './calls.js';
import { claimKey, runKey } from './items.js';

/** A claim held by a finished run is taken over; this many tries when others race for it too. */
const CLAIM_ATTEMPTS = 3;

/** The claims one journal object took and has not released yet, by run and action. */
export class HeldClaims {
  private readonly held = new Set<string>();
  private static key(runId: string, actionId: string): string {
    return `${runId}\n${actionId}`;
  }
  add(runId: string, actionId: string): void {
    this.held.add(HeldClaims.key(runId, actionId));
  }
  has(runId: string, actionId: string): boolean {
    return this.held.has(HeldClaims.key(runId, actionId));
  }
  delete(runId: string, actionId: string): void {
    this.held.delete(HeldClaims.key(runId, actionId));
  }
}

/** The claims kept in `table`; each one taken is added to `held`. */
export function dynamoClaims(table: JournalTable, held: HeldClaims): JournalIntentClaims {
  const { doc, TableName, location, call, getItem } = table;
  /** Null when written; else the failed condition, with the claim it found. */
  const put = async (
    request: { actionId: string; accountId: string; runId: string; at: string },
    condition: string,
    values: Record<string, string>,
  ): Promise<ConditionFailedError | null> => {
    try {
      await call('dynamodb:PutItem', `${location} claim of ${request.actionId}`, () =>
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
      return null;
    } catch (error) {
      if (error instanceof ConditionFailedError) return error;
      throw error;
    }
  };
  const holderOf = ({ found }: ConditionFailedError): IntentHolder => ({
    runId: found?.runId ?? '',
    since: found?.since ?? '',
  });
  return {
    async claim(request) {
      const { runId, resumeOf } = request;
      let failed = await put(
        request,
        resumeOf === null
          ? 'attribute_not_exists(pk) OR runId = :run'
          : 'attribute_not_exists(pk) OR runId = :run OR runId = :resumed',
        resumeOf === null ? { ':run': runId } : { ':run': runId, ':resumed': resumeOf },
      );
      for (let attempt = 1; failed !== null && attempt <= CLAIM_ATTEMPTS; attempt++) {
        // A claim outlives its run only when the run stopped between intent and outcome. Once that
        // run is finished, or a finished resume recovered it, the claim is stale: take it over,
        // but only from that holder (another run may be taking it over too).
        const holder = holderOf(failed);
        const run = await getItem(runKey(holder.runId), `run ${holder.runId}`);
        const stale = run !== undefined && (run.state === 'finished' || typeof run.recoveredBy === 'string');
        if (!stale) break;
        failed = await put(request, 'runId = :stale', { ':stale': holder.runId });
      }
      if (failed !== null) throw new ClaimHeldError(request.actionId, holderOf(failed), { cause: failed });
      held.add(runId, request.actionId);
    },
  };
}
