/**
 * The AWS Config custom Lambda rule for `AWS::IAM::User`: the event in, one call into the engine,
 * the evaluations delivered with PutEvaluations, a summary out. `ruleParameters` may name one
 * Keywarden rule (`rule`), a `preset`, and the managed rules' day thresholds (`maxAccessKeyAge`,
 * `maxCredentialUsageAge`). Read-only: it changes nothing in IAM.
 */
import type { Compliance } from '../core/audit-report.js';
import { complianceCounts, configRulePolicy, parseRuleParameters } from '../core/config-rule.js';
import { ConfigEventError, parseConfigRuleEvent } from '../core/config-rule-event.js';
import type { RuleId } from '../core/rules/registry.js';
import { evaluateConfigRule } from '../engine/config-rule.js';
import {
  errorFields,
  HandlerConfigError,
  HandlerEventError,
  handlerRuntime,
  journalFromEnv,
  type LambdaContext,
  loadPolicySource,
  type RuntimeOptions,
} from './runtime.js';

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
export class EvaluationsNotDeliveredError extends Error {
  override readonly name = 'EvaluationsNotDeliveredError';
}

/** The event, read or refused with the field named. */
function readEvent(event: unknown) {
  let parsed: ReturnType<typeof parseConfigRuleEvent>;
  try {
    parsed = parseConfigRuleEvent(event);
  } catch (error) {
    if (error instanceof ConfigEventError)
      throw new HandlerEventError(error.field, error.message.slice(error.field.length + 2));
    throw error;
  }
  const params = parseRuleParameters(parsed.ruleParameters);
  if (params.value === null) {
    const first = params.errors[0] ?? 'ruleParameters: invalid';
    const at = first.indexOf(': ');
    throw new HandlerEventError(first.slice(0, at), first.slice(at + 2));
  }
  return { ...parsed, params: params.value };
}

export function createConfigRuleHandler(options: RuntimeOptions = {}) {
  const runtime = handlerRuntime(options);
  return async (event: unknown, context?: LambdaContext): Promise<ConfigRuleSummary> => {
    const request = readEvent(event);
    const { env, connection, logger, connected } = runtime(context, 'config-rule');
    const { clients, clock } = connected;
    const messageType =
      request.trigger.kind === 'scheduled' ? 'ScheduledNotification' : request.trigger.messageType;
    logger.appendKeys({ configRuleName: request.configRuleName, messageType });
    try {
      const source = await loadPolicySource(env, clients.ssm);
      const resolved = configRulePolicy(source.file, request.params, source.name);
      if (resolved.value === null) {
        throw new HandlerConfigError(
          `invalid policy for this rule: ${resolved.errors[0] ?? 'unknown error'}`,
        );
      }
      const journal = options.journal ?? journalFromEnv(env, false, connection);
      await connected.calibrate();
      const result = await evaluateConfigRule(
        {
          clients,
          config: clients.config,
          clock,
          ...(journal ? { journal } : {}),
          ...(options.sleep ? { sleep: options.sleep, retrySleep: options.sleep } : {}),
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
      for (const w of warnings) logger.warn(w);
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
        logger.error('AWS Config refused evaluations after retries', {
          ...counts,
          failedEvaluations: failed,
        });
        throw new EvaluationsNotDeliveredError(
          `AWS Config refused ${failed.length} of ${result.evaluations.length} evaluation(s) after retries, first ${failed[0]}`,
        );
      }
      logger.info('evaluations delivered', counts);
      return summary;
    } catch (error) {
      if (!(error instanceof EvaluationsNotDeliveredError)) {
        logger.error('config rule evaluation failed', errorFields(error));
      }
      throw error;
    }
  };
}

export const handler = createConfigRuleHandler();
