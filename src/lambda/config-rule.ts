/**
 * The AWS Config custom Lambda rule for `AWS::IAM::User`: the event in, one call into the engine,
 * the evaluations delivered with PutEvaluations, a summary out. `ruleParameters` may name one
 * Keywarden rule (`rule`), a `preset`, and the managed rules' day thresholds (`maxAccessKeyAge`,
 * `maxCredentialUsageAge`). Read-only: it changes nothing in IAM.
 */
import { z } from 'zod';
import { parseRuleParameters } from '../core/config-rule.js';
import { ConfigEventError, parseConfigRuleEvent } from '../core/config-rule-event.js';
import { type ConfigRuleInvocation, runConfigRule } from '../engine/config-rule-run.js';
import { defineHandler } from './define-handler.js';

/**
 * Config's event: an envelope whose `invokingEvent` and `ruleParameters` are JSON strings. It is read
 * by the core's reader (src/core/config-rule-event.ts, which names the field of each problem) and
 * its `ruleParameters` validated as the Config rule's parameters.
 */
const ConfigRuleEvent = z.unknown().transform((event, ctx): ConfigRuleInvocation => {
  const refuse = (field: string, message: string) => {
    ctx.addIssue({ code: 'custom', message, path: field === 'event' ? [] : field.split('.'), input: event });
    return z.NEVER;
  };
  let parsed: ReturnType<typeof parseConfigRuleEvent>;
  try {
    parsed = parseConfigRuleEvent(event);
  } catch (error) {
    if (error instanceof ConfigEventError)
      return refuse(error.field, error.message.slice(error.field.length + 2));
    throw error;
  }
  const params = parseRuleParameters(parsed.ruleParameters);
  if (params.value === null) {
    const first = params.errors[0] ?? 'ruleParameters: invalid';
    const at = first.indexOf(': ');
    return refuse(first.slice(0, at), first.slice(at + 2));
  }
  return { ...parsed, params: params.value };
});

export const createConfigRuleHandler = defineHandler('config-rule', ConfigRuleEvent, (request, deps) =>
  runConfigRule(deps, request),
);

export const handler = createConfigRuleHandler();
