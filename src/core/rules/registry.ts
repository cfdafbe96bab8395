import { consoleWithoutMfa } from './console-without-mfa.js';
import { exposedAccessKey } from './exposed-access-key.js';
import { keyRotation } from './key-rotation.js';
import { multipleActiveKeys } from './multiple-active-keys.js';
import { rootAccessKey } from './root-access-key.js';
import type { Rule, RuleSettings } from './types.js';
import { unusedCredentials } from './unused-credentials.js';

/**
 * Every rule Keywarden knows, one line each, in report order. The policy schema, its defaults,
 * `keywarden init`'s text, the rule ids, what the inventory reads and the actions remediation may
 * plan (src/core/actions/registry.ts) are all built from this list, so adding a rule touches its
 * own file, one line here, its tests and its docs.
 */
export const RULES = [
  keyRotation,
  unusedCredentials,
  multipleActiveKeys,
  rootAccessKey,
  consoleWithoutMfa,
  exposedAccessKey,
] as const;

export type AnyRule = (typeof RULES)[number];
export type RuleId = AnyRule['id'];

/** The effective settings of every rule, keyed by id. */
export type RulesConfig = {
  readonly [R in AnyRule as R['id']]: R extends Rule<string, infer S> ? RuleSettings<S> : never;
};

/** A rule whose findings Keywarden remediates (its `remediation` is set); the others only report. */
export type RemediationRule = Extract<AnyRule, { readonly remediation: object }>['id'];

/** True for a rule whose findings Keywarden remediates. */
export function remediates(rule: AnyRule): rule is Extract<AnyRule, { readonly remediation: object }> {
  return rule.remediation !== null;
}

/** The ids of the rules that remediate, as the journal's actions name them. */
export const REMEDIATION_RULE_IDS = RULES.filter(remediates).map((r) => r.id) as unknown as readonly [
  RemediationRule,
  ...RemediationRule[],
];

/** Rule ids in report order. */
export const RULE_IDS = RULES.map((r) => r.id) as unknown as readonly [RuleId, ...RuleId[]];

export const RULES_BY_ID: { readonly [R in AnyRule as R['id']]: R } = Object.fromEntries(
  RULES.map((r) => [r.id, r]),
) as never;
