/**
 * Keywarden as an AWS Config custom rule, decided here and nowhere else (pure): which policy a rule's
 * parameters make, and how the audit's verdicts become one Config evaluation per IAM user. The
 * handler only reads the event, calls the engine and delivers what this module returns, so the
 * Config rule, the scheduled run and `keywarden audit` can never disagree.
 */
import type { Compliance, Evaluation } from './audit-report.js';
import { type ChangedResource, IAM_USER_RESOURCE_TYPE } from './config-rule-event.js';
import { ROOT_USER_NAME } from './model.js';
import { MAX_DAYS, MIN_DAYS } from './policy/fields.js';
import { isPresetName, resolvePolicy, type ValidationResult } from './policy/resolve.js';
import type { PolicyInput } from './policy/schema.js';
import { type Policy, PRESET_NAMES, type PresetName } from './policy/types.js';
import { formatValue } from './policy-errors.js';
import { RULES, type RuleId } from './rules/registry.js';

/** At most this many evaluations per PutEvaluations call (AWS's limit). */
const MAX_EVALUATIONS_PER_CALL = 100;
/** AWS's bound on an evaluation's Annotation. */
const MAX_ANNOTATION_LENGTH = 256;

/** The rules a Config rule for `AWS::IAM::User` can name: those judged once per IAM user. */
const USER_RULE_IDS: readonly RuleId[] = RULES.filter((r) => r.scope === 'user').map((r) => r.id);

/** The parameters a Config rule passes (`InputParameters`), by the names AWS's managed rules use. */
const CONFIG_RULE_PARAMETER_NAMES = ['rule', 'preset', 'maxAccessKeyAge', 'maxCredentialUsageAge'] as const;

export interface ConfigRuleParameters {
  /** One Keywarden rule, judged alone; null: every enabled rule, NON_COMPLIANT if any fails. */
  readonly rule: RuleId | null;
  /** Replaces the policy file's preset. */
  readonly preset: PresetName | null;
  /** `access-keys-rotated`'s name: overrides rules.KEY_ROTATION.maxKeyAgeDays. */
  readonly maxAccessKeyAge: number | null;
  /** `iam-user-unused-credentials-check`'s name: overrides rules.UNUSED_CREDENTIALS.unusedDays. */
  readonly maxCredentialUsageAge: number | null;
}

const NO_PARAMETERS: ConfigRuleParameters = {
  rule: null,
  preset: null,
  maxAccessKeyAge: null,
  maxCredentialUsageAge: null,
};

/** Config passes every parameter as a string; a hand-written event may use a number. */
function dayCount(value: unknown, field: string, errors: string[]): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < MIN_DAYS || n > MAX_DAYS) {
    errors.push(
      `ruleParameters.${field}: must be a whole number of days from ${MIN_DAYS} to ${MAX_DAYS} (got ${formatValue(value)})`,
    );
    return null;
  }
  return n;
}

/** Validates `ruleParameters` (already parsed from its JSON string); unknown names are errors, so a typo is not ignored. */
export function parseRuleParameters(
  raw: Readonly<Record<string, unknown>>,
): ValidationResult<ConfigRuleParameters> {
  const errors: string[] = [];
  for (const name of Object.keys(raw)) {
    if (!(CONFIG_RULE_PARAMETER_NAMES as readonly string[]).includes(name)) {
      errors.push(`ruleParameters.${name}: unknown parameter; use ${CONFIG_RULE_PARAMETER_NAMES.join(', ')}`);
    }
  }
  let rule: RuleId | null = null;
  if (raw.rule !== undefined && raw.rule !== null && raw.rule !== '') {
    const value = typeof raw.rule === 'string' ? raw.rule.trim() : raw.rule;
    if (typeof value === 'string' && (USER_RULE_IDS as readonly string[]).includes(value)) {
      rule = value as RuleId;
    } else {
      const accountLevel = RULES.some((r) => r.scope === 'account' && r.id === value);
      errors.push(
        `ruleParameters.rule: must be one of ${USER_RULE_IDS.join(', ')} (got ${formatValue(raw.rule)})` +
          (accountLevel
            ? '; it judges the root user, not an IAM user: use the managed rule iam-root-access-key-check'
            : ''),
      );
    }
  }
  let preset: PresetName | null = null;
  if (raw.preset !== undefined && raw.preset !== null && raw.preset !== '') {
    if (typeof raw.preset === 'string' && isPresetName(raw.preset.trim()))
      preset = raw.preset.trim() as PresetName;
    else
      errors.push(
        `ruleParameters.preset: must be one of ${PRESET_NAMES.join(', ')} (got ${formatValue(raw.preset)})`,
      );
  }
  const maxAccessKeyAge = dayCount(raw.maxAccessKeyAge, 'maxAccessKeyAge', errors);
  const maxCredentialUsageAge = dayCount(raw.maxCredentialUsageAge, 'maxCredentialUsageAge', errors);
  if (errors.length > 0) return { value: null, errors, warnings: [] };
  return {
    value:
      Object.keys(raw).length === 0
        ? NO_PARAMETERS
        : { rule, preset, maxAccessKeyAge, maxCredentialUsageAge },
    errors: [],
    warnings: [],
  };
}

/**
 * The policy one Config rule judges with: the deployed policy file, the rule's preset and day
 * thresholds layered on top as `--preset` and the threshold flags are, and, when the rule names one
 * Keywarden rule, that rule alone (enabled even if the file disables it: the Config rule exists to
 * judge it).
 */
export function configRulePolicy(
  file: PolicyInput | undefined,
  params: ConfigRuleParameters,
  sourceName: string,
): ValidationResult<Policy> {
  const resolved = resolvePolicy({
    file,
    ...(params.preset === null ? {} : { preset: params.preset }),
    overrides: {
      ...(params.maxAccessKeyAge === null ? {} : { maxKeyAgeDays: params.maxAccessKeyAge }),
      ...(params.maxCredentialUsageAge === null ? {} : { unusedDays: params.maxCredentialUsageAge }),
    },
    sourceName,
  });
  // The resolver names CLI flags; here the same values came from the rule's parameters.
  const rename = (m: string) =>
    m
      .replace('--preset', 'ruleParameters.preset')
      .replace('--max-key-age-days', 'ruleParameters.maxAccessKeyAge')
      .replace('--unused-days', 'ruleParameters.maxCredentialUsageAge');
  const warnings = resolved.warnings.map(rename);
  if (resolved.value === null) return { value: null, errors: resolved.errors.map(rename), warnings };
  const only = params.rule;
  if (only === null) return { value: resolved.value, errors: [], warnings };
  const rules = Object.fromEntries(
    RULES.map((r) => [r.id, { ...resolved.value?.rules[r.id], enabled: r.id === only }]),
  ) as unknown as Policy['rules'];
  // The named rule is enabled whatever the file says; a threshold for another rule has no effect.
  const unused = [
    params.maxAccessKeyAge !== null && only !== 'KEY_ROTATION' ? 'maxAccessKeyAge' : null,
    params.maxCredentialUsageAge !== null && only !== 'UNUSED_CREDENTIALS' ? 'maxCredentialUsageAge' : null,
  ].flatMap((name) =>
    name === null ? [] : [`ruleParameters.${name} has no effect: this Config rule judges ${only} only`],
  );
  return {
    value: { ...resolved.value, rules },
    warnings: [...warnings.filter((w) => !/has no effect/.test(w)), ...unused],
    errors: [],
  };
}

/** One evaluation, ready for PutEvaluations. */
export interface ConfigEvaluation {
  readonly complianceResourceType: string;
  readonly complianceResourceId: string;
  readonly complianceType: Compliance;
  /** At most {@link MAX_ANNOTATION_LENGTH} characters; null when there is nothing to explain. */
  readonly annotation: string | null;
  readonly orderingTimestamp: Date;
  /** The IAM user's name, for logs and summaries (not sent to AWS Config); null when unknown. */
  readonly userName: string | null;
}

/** Fits a text into an Annotation: whitespace runs become one space, and a long text ends with `…`. */
function annotationText(text: string | null): string | null {
  if (text === null) return null;
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return null;
  if (flat.length <= MAX_ANNOTATION_LENGTH) return flat;
  return `${flat.slice(0, MAX_ANNOTATION_LENGTH - 1)}…`;
}

/**
 * One user's verdict from the audit's evaluations of that user (one per enabled rule). With `rule`,
 * that rule's evaluation as it is. Without: NON_COMPLIANT if any rule is, naming the first failing
 * rule's finding (the key id and its age); else COMPLIANT if any rule is (an exemption or a rotation
 * in progress is named); else NOT_APPLICABLE.
 */
function userVerdict(
  evaluations: readonly Evaluation[],
  rule: RuleId | null,
): { readonly complianceType: Compliance; readonly annotation: string | null } {
  if (rule !== null) {
    const own = evaluations.find((e) => e.rule === rule);
    return own === undefined
      ? { complianceType: 'NOT_APPLICABLE', annotation: null }
      : { complianceType: own.compliance, annotation: annotationText(own.annotation) };
  }
  const labelled = (e: Evaluation) => (e.annotation === null ? null : `${e.rule}: ${e.annotation}`);
  const failing = evaluations.filter((e) => e.compliance === 'NON_COMPLIANT');
  const first = failing[0];
  if (first !== undefined) {
    const more =
      failing.length > 1 ? ` (+${failing.length - 1} more rule${failing.length > 2 ? 's' : ''})` : '';
    const text = labelled(first);
    return {
      complianceType: 'NON_COMPLIANT',
      annotation: annotationText(text === null ? null : `${text}${more}`),
    };
  }
  const compliant = evaluations.filter((e) => e.compliance === 'COMPLIANT');
  if (compliant.length > 0) {
    const explained = compliant.find((e) => e.annotation !== null);
    return {
      complianceType: 'COMPLIANT',
      annotation: explained === undefined ? null : annotationText(labelled(explained)),
    };
  }
  return { complianceType: 'NOT_APPLICABLE', annotation: null };
}

/**
 * One evaluation per IAM user of the audit (the root user is not an `AWS::IAM::User` and is left
 * out), in the audit's user order, each with `orderingTimestamp`. Every user the audit saw gets
 * one, so a scheduled run clears stale results of users fixed since.
 */
export function configEvaluations(
  evaluations: readonly Evaluation[],
  rule: RuleId | null,
  orderingTimestamp: Date,
): ConfigEvaluation[] {
  const byUser = new Map<string, Evaluation[]>();
  for (const e of evaluations) {
    if (e.userName === ROOT_USER_NAME) continue;
    const list = byUser.get(e.userId);
    if (list === undefined) byUser.set(e.userId, [e]);
    else list.push(e);
  }
  return [...byUser.entries()].map(([userId, own]) => ({
    complianceResourceType: IAM_USER_RESOURCE_TYPE,
    complianceResourceId: userId,
    ...userVerdict(own, rule),
    orderingTimestamp,
    userName: own[0]?.userName ?? null,
  }));
}

/**
 * The evaluation for a changed resource that is gone (deleted, out of scope, not an IAM user, or
 * an IAM user whose id no longer exists): NOT_APPLICABLE, with the reason.
 */
export function notApplicable(resource: ChangedResource, reason: string): ConfigEvaluation {
  return {
    complianceResourceType: resource.resourceType,
    complianceResourceId: resource.resourceId,
    complianceType: 'NOT_APPLICABLE',
    annotation: annotationText(reason),
    orderingTimestamp: resource.capturedAt,
    userName: resource.resourceName,
  };
}

/**
 * The evaluation of the one changed IAM user, from the audit of the user read by name. When the
 * name now belongs to another user (deleted and created again), the user the item is about is gone.
 */
export function changedUserEvaluation(
  resource: ChangedResource,
  evaluations: readonly Evaluation[],
  rule: RuleId | null,
  found: { readonly userName: string; readonly userId: string } | null,
): ConfigEvaluation {
  if (resource.resourceType !== IAM_USER_RESOURCE_TYPE) {
    return notApplicable(resource, `not an ${IAM_USER_RESOURCE_TYPE}: this rule judges IAM users only`);
  }
  if (found === null)
    return notApplicable(
      resource,
      `IAM user ${resource.resourceName ?? resource.resourceId} no longer exists`,
    );
  if (found.userId !== resource.resourceId) {
    return notApplicable(
      resource,
      `IAM user ${resource.resourceId} no longer exists (the name ${found.userName} now belongs to ${found.userId})`,
    );
  }
  const own = evaluations.filter((e) => e.userId === resource.resourceId && e.userName !== ROOT_USER_NAME);
  return {
    complianceResourceType: IAM_USER_RESOURCE_TYPE,
    complianceResourceId: resource.resourceId,
    ...userVerdict(own, rule),
    orderingTimestamp: resource.capturedAt,
    userName: found.userName,
  };
}

/** Splits into PutEvaluations calls of at most {@link MAX_EVALUATIONS_PER_CALL}. */
export function evaluationBatches<T>(items: readonly T[], size = MAX_EVALUATIONS_PER_CALL): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Counts by compliance type, for the handler's summary. */
export function complianceCounts(evaluations: readonly { readonly complianceType: Compliance }[]): {
  readonly COMPLIANT: number;
  readonly NON_COMPLIANT: number;
  readonly NOT_APPLICABLE: number;
} {
  const counts = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 };
  for (const e of evaluations) counts[e.complianceType]++;
  return counts;
}
