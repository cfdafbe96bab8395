/** The handlers' results: counts and ids for people and dashboards, never a secret. */
import type { ActionResult } from '../core/plan/outcome.js';
import { describeHold, type RunHold } from './lease.js';
import type { RemediateResult } from './remediate.js';

export interface RemediationSummary {
  /** The run this invocation made; null when nothing was planned or carried out. */
  readonly runId: string | null;
  /** Interrupted runs this invocation finished first. */
  readonly recoveredRuns: readonly string[];
  readonly planned: {
    readonly actions: number;
    /** Over the action cap: left for the next run. */
    readonly deferred: number;
    readonly blocked: number;
    /** Exempt credentials and what Keywarden never changes (root). */
    readonly skipped: number;
  };
  readonly results: { readonly done: number; readonly skipped: number; readonly failed: number };
  /** Notify actions delivered, and those that were not (each is planned again until delivered once). */
  readonly notices: { readonly sent: number; readonly notSent: number };
  /** True when the invocation ran out of time and stopped before the end; the next run resumes. */
  readonly stopped: boolean;
  /** Every action's result (key ids and secret names, never a secret). */
  readonly actions: readonly ActionResult[];
  readonly warnings: readonly string[];
  readonly journal: string;
  /**
   * Set when another run held the account's lease: this invocation did nothing (the other run, or
   * the next invocation, does the work).
   */
  readonly heldBy: RunHold | null;
}

export function remediationSummary(
  out: RemediateResult,
  journal: string,
  warnings: readonly string[],
): RemediationSummary {
  if (out.kind === 'recovery-declined') {
    // Only a caller that asks before recovering gets this; the handlers never ask.
    throw new Error('recovery declined');
  }
  if (out.kind === 'interrupted') {
    // Only a caller that does not resume gets this; the handlers always resume.
    throw new Error(`interrupted runs left unfinished: ${out.runIds.join(', ')}`);
  }
  if (out.kind === 'held-elsewhere') {
    return {
      runId: null,
      recoveredRuns: [],
      planned: { actions: 0, deferred: 0, blocked: 0, skipped: 0 },
      results: { done: 0, skipped: 0, failed: 0 },
      notices: { sent: 0, notSent: 0 },
      stopped: false,
      actions: [],
      warnings: [
        ...warnings,
        'kind' in out.lease || out.holder === 'live'
          ? `${describeHold(out.lease)}: this invocation did nothing`
          : `account ${out.lease.accountId} is held by run ${out.lease.runId} (${out.lease.command}), which has stopped heartbeating since ${out.lease.renewedAt} (probably dead); its lease lapses at ${out.lease.until}: this invocation did nothing`,
      ],
      journal,
      heldBy: out.lease,
    };
  }
  const execution = 'execution' in out ? out.execution : null;
  const actions = [...(out.recovery?.results ?? []), ...(execution?.results ?? [])];
  const count = (status: ActionResult['status'], notify: boolean) =>
    actions.filter((a) => a.status === status && (a.type === 'notify') === notify).length;
  const plan = out.planned.plan;
  return {
    runId: execution?.runId ?? null,
    recoveredRuns: out.recovery?.recovered ?? [],
    planned: {
      actions: plan.actions.length,
      deferred: plan.deferred.length,
      blocked: plan.blocked.length,
      skipped: plan.skipped.length,
    },
    results: { done: count('done', false), skipped: count('skipped', false), failed: count('failed', false) },
    notices: { sent: count('done', true), notSent: count('failed', true) + count('skipped', true) },
    stopped: execution?.stopped ?? false,
    actions,
    warnings: [...warnings, ...out.planned.warnings],
    journal,
    heldBy: null,
  };
}

/** One action's result as a log line's attributes: ids and the outcome, never a secret. */
export function actionLogFields(r: ActionResult): Record<string, string | null> {
  return {
    actionType: r.type,
    userName: r.userName,
    accessKeyId: r.accessKeyId,
    status: r.status,
    reason: r.reason,
    ...(r.newAccessKeyId === undefined ? {} : { newAccessKeyId: r.newAccessKeyId }),
    ...(r.secretName === undefined ? {} : { secretName: r.secretName }),
  };
}
