/**
 * Parsing and resolution of a policy (pure, never throw): file text → validated input → the
 * effective policy, layered as overrides (CLI flags) > file > preset > defaults.
 */
import { formatIssues, formatValue, genericMessage } from '../policy-errors.js';
import { RULES } from '../rules/registry.js';
import { readYaml } from '../yaml-document.js';
import { DAYS_MESSAGE, MAX_DAYS, MIN_DAYS } from './fields.js';
import { PRESETS } from './presets.js';
import { type PolicyInput, policyFileSchema } from './schema.js';
import {
  DEFAULT_POLICY,
  type ExemptionCommon,
  type Policy,
  PRESET_NAMES,
  type PresetName,
  type RotationConfig,
  type RuleId,
  type RulesConfig,
} from './types.js';

/** changesets-style validation result: `value` is null exactly when `errors` is non-empty. */
export interface ValidationResult<T> {
  readonly value: T | null;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/** CLI flags that override the policy; strings are accepted because they arrive from argv. */
export interface PolicyOverrides {
  readonly maxKeyAgeDays?: number | string;
  readonly unusedDays?: number | string;
}

export interface ResolvePolicyArgs {
  /** The parsed policy file, if any. */
  readonly file?: PolicyInput;
  /** `--preset`; beats the file's `preset:`. Validated, so a raw flag value is fine. */
  readonly preset?: string;
  readonly overrides?: PolicyOverrides;
  /** Names the file in error messages; default `policy`. */
  readonly sourceName?: string;
}

/**
 * Parses and validates a policy file's text without applying defaults, so the CLI can still
 * layer `--preset` and threshold flags on top with {@link resolvePolicy}.
 */
export function parsePolicyFile(text: string, sourceName: string): ValidationResult<PolicyInput> {
  const { value: raw, errors, warnings } = readYaml(text, sourceName);
  if (errors.length > 0) return { value: null, errors, warnings };
  if (raw === null || raw === undefined) {
    return {
      value: null,
      errors: [`${sourceName}: the file is empty; it needs at least "version: 1"`],
      warnings,
    };
  }
  const parsed = policyFileSchema.safeParse(raw, { error: genericMessage });
  if (!parsed.success) {
    return { value: null, errors: formatIssues(parsed.error.issues, raw, sourceName), warnings };
  }
  const value = parsed.data as PolicyInput;
  return { value, errors: [], warnings: [...warnings, ...fileWarnings(value, sourceName)] };
}

/**
 * Parses a policy file and resolves it against its own preset and the defaults; the one call
 * for callers that have no CLI flags to add (Lambda, tests, `keywarden validate`).
 */
export function parsePolicy(text: string, sourceName: string): ValidationResult<Policy> {
  const file = parsePolicyFile(text, sourceName);
  if (file.value === null) return { value: null, errors: file.errors, warnings: file.warnings };
  const resolved = resolvePolicy({ file: file.value, sourceName });
  return { ...resolved, warnings: [...file.warnings, ...resolved.warnings] };
}

/**
 * Builds the effective policy. Precedence: overrides (CLI flags) > file > preset (`--preset`
 * beats the file's `preset:`) > defaults. Cross-field rules (rotation thresholds in order) are
 * checked on the result, since each layer may set only some of them.
 */
export function resolvePolicy(args: ResolvePolicyArgs): ValidationResult<Policy> {
  const sourceName = args.sourceName ?? 'policy';
  const errors: string[] = [];
  const warnings: string[] = [];

  let presetName: PresetName | null = args.file?.preset ?? null;
  if (args.preset !== undefined) {
    if (isPresetName(args.preset)) {
      if (presetName !== null && presetName !== args.preset) {
        warnings.push(`--preset ${args.preset} replaces "preset: ${presetName}" from ${sourceName}`);
      }
      presetName = args.preset;
    } else {
      errors.push(`--preset: must be one of ${PRESET_NAMES.join(', ')} (got ${formatValue(args.preset)})`);
    }
  }

  const maxKeyAgeDays = parseOverride('--max-key-age-days', args.overrides?.maxKeyAgeDays, errors);
  const unusedDays = parseOverride('--unused-days', args.overrides?.unusedDays, errors);

  let policy: Policy = { ...DEFAULT_POLICY, preset: presetName };
  if (presetName !== null) policy = applyInput(policy, PRESETS[presetName]);
  if (args.file !== undefined) policy = applyInput(policy, args.file);
  if (maxKeyAgeDays !== undefined || unusedDays !== undefined) {
    const rules = policy.rules;
    policy = {
      ...policy,
      rules: {
        ...rules,
        KEY_ROTATION: {
          ...rules.KEY_ROTATION,
          maxKeyAgeDays: maxKeyAgeDays ?? rules.KEY_ROTATION.maxKeyAgeDays,
        },
        UNUSED_CREDENTIALS: {
          ...rules.UNUSED_CREDENTIALS,
          unusedDays: unusedDays ?? rules.UNUSED_CREDENTIALS.unusedDays,
        },
      },
    };
    if (maxKeyAgeDays !== undefined && !policy.rules.KEY_ROTATION.enabled) {
      warnings.push('--max-key-age-days has no effect: rules.KEY_ROTATION.enabled is false');
    }
    if (unusedDays !== undefined && !policy.rules.UNUSED_CREDENTIALS.enabled) {
      warnings.push('--unused-days has no effect: rules.UNUSED_CREDENTIALS.enabled is false');
    }
  }

  errors.push(...rotationOrderErrors(policy.rotation, sourceName));
  if (policy.inventory.mode === 'live' && policy.inventory.keyIds === 'none') {
    warnings.push(
      `${sourceName}: inventory.keyIds: none has no effect with inventory.mode: live (live mode reads every key id)`,
    );
  }
  if (RULES.every((rule) => !policy.rules[rule.id].enabled)) {
    warnings.push(`${sourceName}: every rule is disabled, so the audit cannot report anything`);
  }
  return errors.length > 0 ? { value: null, errors, warnings } : { value: policy, errors: [], warnings };
}

/** True for a supported preset name; narrows raw CLI input. */
export function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value);
}

function applyRules(base: RulesConfig, input: PolicyInput['rules']): RulesConfig {
  if (input === undefined) return base;
  const merged: Record<string, unknown> = {};
  for (const rule of RULES) merged[rule.id] = { ...base[rule.id], ...input[rule.id] };
  return merged as unknown as RulesConfig;
}

function applyInput(base: Policy, input: PolicyInput): Policy {
  const ex = input.exemptions;
  return {
    version: 1,
    preset: base.preset,
    rules: applyRules(base.rules, input.rules),
    exemptions: {
      users: ex?.users?.map((e) => ({ name: e.name, ...common(e) })) ?? base.exemptions.users,
      paths: ex?.paths?.map((e) => ({ path: e.path, ...common(e) })) ?? base.exemptions.paths,
      groups: ex?.groups?.map((e) => ({ group: e.group, ...common(e) })) ?? base.exemptions.groups,
      tag: { ...base.exemptions.tag, ...ex?.tag },
      ssmParameter:
        ex?.ssmParameter === undefined
          ? base.exemptions.ssmParameter
          : ex.ssmParameter === null
            ? null
            : {
                name: ex.ssmParameter.name,
                reason: ex.ssmParameter.reason ?? `listed in SSM parameter ${ex.ssmParameter.name}`,
                rules: ex.ssmParameter.rules ?? null,
              },
    },
    inventory: { ...base.inventory, ...input.inventory },
    rotation: { ...base.rotation, ...input.rotation },
    remediation: {
      ...base.remediation,
      ...input.remediation,
      secretTags: input.remediation?.secretTags ?? base.remediation.secretTags,
    },
    notifications: {
      securityTeamEmail:
        input.notifications?.securityTeamEmail === undefined
          ? base.notifications.securityTeamEmail
          : input.notifications.securityTeamEmail,
      sns: input.notifications?.sns === undefined ? base.notifications.sns : input.notifications.sns,
      slack:
        input.notifications?.slack === undefined
          ? base.notifications.slack
          : input.notifications.slack === null
            ? null
            : {
                webhookUrlEnv: input.notifications.slack.webhookUrlEnv ?? null,
                webhookUrlSsmParameter: input.notifications.slack.webhookUrlSsmParameter ?? null,
              },
      email: input.notifications?.email === undefined ? base.notifications.email : input.notifications.email,
    },
    journal: {
      location: input.journal?.location === undefined ? base.journal.location : input.journal.location,
      leaseSeconds: input.journal?.leaseSeconds ?? base.journal.leaseSeconds,
    },
    compliance: {
      cisVersion:
        input.compliance?.cisVersion === undefined ? base.compliance.cisVersion : input.compliance.cisVersion,
    },
  };
}

function common(e: {
  reason: string;
  until?: string | undefined;
  rules?: RuleId[] | undefined;
}): ExemptionCommon {
  return { reason: e.reason, until: e.until ?? null, rules: e.rules ?? null };
}

function rotationOrderErrors(r: RotationConfig, sourceName: string): string[] {
  const errors: string[] = [];
  const check = (ok: boolean, field: keyof RotationConfig, relation: string, other: keyof RotationConfig) => {
    if (!ok) {
      errors.push(
        `${sourceName}: rotation.${field}: must be ${relation} rotation.${other} (${String(r[other])}) (got ${String(r[field])})`,
      );
    }
  };
  check(r.warnBeforeDays < r.rotateAfterDays, 'warnBeforeDays', 'less than', 'rotateAfterDays');
  check(r.deactivateAfterDays > r.rotateAfterDays, 'deactivateAfterDays', 'greater than', 'rotateAfterDays');
  check(r.deleteAfterDays > r.deactivateAfterDays, 'deleteAfterDays', 'greater than', 'deactivateAfterDays');
  if (r.forceDeactivateAfterDays !== null) {
    check(
      r.forceDeactivateAfterDays > r.deactivateAfterDays,
      'forceDeactivateAfterDays',
      'greater than',
      'deactivateAfterDays',
    );
  }
  return errors;
}

const NEVER_EXEMPT: ReadonlySet<string> = new Set(RULES.filter((r) => r.neverExempt).map((r) => r.id));

function fileWarnings(input: PolicyInput, sourceName: string): string[] {
  const warnings: string[] = [];
  const lists = [
    ['users', input.exemptions?.users],
    ['paths', input.exemptions?.paths],
    ['groups', input.exemptions?.groups],
  ] as const;
  for (const [kind, list] of lists) {
    list?.forEach((e, i) => {
      for (const id of e.rules ?? []) {
        if (!NEVER_EXEMPT.has(id)) continue;
        warnings.push(
          `${sourceName}: exemptions.${kind}[${i}].rules: ${id} is listed but its findings are never exempt`,
        );
      }
    });
  }
  return warnings;
}

const INTEGER_TEXT = /^\s*-?\d+\s*$/;

function parseOverride(
  flag: string,
  value: number | string | undefined,
  errors: string[],
): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : INTEGER_TEXT.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < MIN_DAYS || n > MAX_DAYS) {
    errors.push(`${flag}: ${DAYS_MESSAGE} (got ${formatValue(value)})`);
    return undefined;
  }
  return n;
}
