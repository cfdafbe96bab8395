/**
 * Delivers a Config rule's evaluations: PutEvaluations in calls of at most 100, with the event's
 * result token (`TestMode` for the console's `TESTMODE` token). AWS Config may answer a call with
 * `FailedEvaluations`: those are sent again, alone, a few times, and whatever still fails is
 * returned for the caller to report.
 */
import {
  type ConfigServiceClient,
  type Evaluation,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { type ConfigEvaluation, evaluationBatches } from '../core/config-rule.js';
import { callAws } from '../sdk/errors.js';

export interface DeliverOptions {
  readonly resultToken: string;
  readonly testMode: boolean;
  /** Further attempts for evaluations AWS Config reports as failed; default 2. */
  readonly retries?: number;
  /** Waits before a retry (ms doubles each time, from 200); default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Delivery {
  /** PutEvaluations calls made, retries included. */
  readonly calls: number;
  /** Evaluations AWS Config still reported as failed after the retries. */
  readonly failed: readonly ConfigEvaluation[];
}

function toSdk(e: ConfigEvaluation): Evaluation {
  return {
    ComplianceResourceType: e.complianceResourceType,
    ComplianceResourceId: e.complianceResourceId,
    ComplianceType: e.complianceType,
    ...(e.annotation === null ? {} : { Annotation: e.annotation }),
    OrderingTimestamp: e.orderingTimestamp,
  };
}

const keyOf = (type: string | undefined, id: string | undefined) => `${type ?? ''}\u0000${id ?? ''}`;

export async function deliverEvaluations(
  client: ConfigServiceClient,
  evaluations: readonly ConfigEvaluation[],
  options: DeliverOptions,
): Promise<Delivery> {
  const retries = options.retries ?? 2;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let calls = 0;
  const put = async (batch: readonly ConfigEvaluation[]): Promise<ConfigEvaluation[]> => {
    calls++;
    const out = await callAws('config:PutEvaluations', `(${batch.length} evaluations)`, () =>
      client.send(
        new PutEvaluationsCommand({
          ResultToken: options.resultToken,
          Evaluations: batch.map(toSdk),
          ...(options.testMode ? { TestMode: true } : {}),
        }),
      ),
    );
    const failed = new Set(
      (out.FailedEvaluations ?? []).map((f) => keyOf(f.ComplianceResourceType, f.ComplianceResourceId)),
    );
    return batch.filter((e) => failed.has(keyOf(e.complianceResourceType, e.complianceResourceId)));
  };
  let pending: ConfigEvaluation[] = [];
  for (const batch of evaluationBatches(evaluations)) pending.push(...(await put(batch)));
  for (let attempt = 0; attempt < retries && pending.length > 0; attempt++) {
    await sleep(200 * 2 ** attempt);
    const again: ConfigEvaluation[] = [];
    for (const batch of evaluationBatches(pending)) again.push(...(await put(batch)));
    pending = again;
  }
  return { calls, failed: pending };
}
