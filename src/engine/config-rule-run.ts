/**
 * The `config-rule` handler's run: the deployed policy with the Config rule's parameters layered on
 * it, the evaluation (evaluateConfigRule), and a summary. Evaluations AWS Config keeps refusing fail
 * the invocation, so the function's error metric shows them.
 */
import type { Compliance } from '../core/audit-report.js';
import { type ConfigRuleParameters, complianceCounts, configRulePolicy } from '../core/config-rule.js';
import type { ConfigRuleEvent } from '../core/config-rule-event.js';
import type { RuleId } from '../core/rules/registry.js';
import { evaluateConfigRule } from './config-rule.js';
import { HandlerConfigError } from './errors.js';
import { type HandlerDeps, journalFromEnv, RunFailedError } from './handler-deps.js';

/** The event, read: the Config envelope and its validated `ruleParameters`. */
export interface ConfigRuleInvocation extends ConfigRuleEvent {
  readonly params: ConfigRuleParameters;
}

export interface ConfigRuleSummary {
  readonly handler: 'config-rule';
  readonly messageType: string;
  readonly configRuleName: string | null;
  /** The one Keywarden rule judged; null: every enabled rule. */
  readonly rule: RuleId | null;
  readonly testMode: boolean;
  readonly compliance: Readonly<Record<Compliance, number>>;
  readonly putEvaluationsCalls: number;
  readonly evaluations: readonly {
    readonly complianceResourceId: string;
    readonly userName: string | null;
    readonly complianceType: Compliance;
    readonly annotation: string | null;
    readonly orderingTimestamp: string;
  }[];
  readonly warnings: readonly string[];
}

/** AWS Config refused some evaluations even after the retries; the invocation fails so it shows. */
class EvaluationsNotDeliveredError extends RunFailedError {
  override readonly name = 'EvaluationsNotDeliveredError';
}

/** Judges what the event names and delivers the evaluations; read-only in IAM. */
export async function runConfigRule(
  deps: HandlerDeps,
  request: ConfigRuleInvocation,
): Promise<ConfigRuleSummary> {
  const { env, connected, log } = deps;
  const { clients, clock } = connected;
  const messageType =
    request.trigger.kind === 'scheduled' ? 'ScheduledNotification' : request.trigger.messageType;
  log.appendKeys({ configRuleName: request.configRuleName, messageType });
  const source = await deps.policy.read(env);
  const resolved = configRulePolicy(source.file, request.params, source.name);
  if (resolved.value === null) {
    throw new HandlerConfigError(`invalid policy for this rule: ${resolved.errors[0] ?? 'unknown error'}`);
  }
  const journal = journalFromEnv(deps, false);
  await connected.calibrate();
  const result = await evaluateConfigRule(
    {
      clients,
      config: clients.config,
      clock,
      ...(journal ? { journal } : {}),
      ...(deps.sleep ? { sleep: deps.sleep, retrySleep: deps.sleep } : {}),
    },
    resolved.value,
    {
      trigger: request.trigger,
      resultToken: request.resultToken,
      testMode: request.testMode,
      rule: request.params.rule,
    },
  );
  const warnings = [...source.warnings, ...resolved.warnings, ...result.warnings];
  for (const w of warnings) log.warn(w);
  const summary: ConfigRuleSummary = {
    handler: 'config-rule',
    messageType,
    configRuleName: request.configRuleName,
    rule: request.params.rule,
    testMode: request.testMode,
    compliance: complianceCounts(result.evaluations),
    putEvaluationsCalls: result.calls,
    evaluations: result.evaluations.map((e) => ({
      complianceResourceId: e.complianceResourceId,
      userName: e.userName,
      complianceType: e.complianceType,
      annotation: e.annotation,
      orderingTimestamp: e.orderingTimestamp.toISOString(),
    })),
    warnings,
  };
  const counts = {
    compliance: summary.compliance,
    putEvaluationsCalls: summary.putEvaluationsCalls,
    testMode: summary.testMode,
    rule: summary.rule,
  };
  if (result.failed.length > 0) {
    const failed = result.failed.map((e) => e.complianceResourceId);
    log.error('AWS Config refused evaluations after retries', { ...counts, failedEvaluations: failed });
    throw new EvaluationsNotDeliveredError(
      `AWS Config refused ${failed.length} of ${result.evaluations.length} evaluation(s) after retries, first ${failed[0]}`,
    );
  }
  log.info('evaluations delivered', counts);
  return summary;
}
