import { LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { isDateOnly } from './days.js';
import { firstLine, formatIssues, formatValue, genericMessage } from './policy-errors.js';

/** Every rule Keywarden knows, in report order. */
export const RULE_IDS = [
  'KEY_ROTATION',
  'UNUSED_CREDENTIALS',
  'MULTIPLE_ACTIVE_KEYS',
  'ROOT_ACCESS_KEY',
  'CONSOLE_WITHOUT_MFA',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** Named starting points a policy can build on; the file's own values override the preset. */
export const PRESET_NAMES = ['aws-config', 'cis', 'rotation-165-180-185'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const INVENTORY_MODES = ['report', 'live'] as const;
export type InventoryMode = (typeof INVENTORY_MODES)[number];

/**
 * `recommended` rotates keys in use and revokes unused ones; `runbook` does exactly what the AWS
 * runbook AWSConfigRemediation-RevokeUnusedIAMUserCredentials does: deactivate unused keys and
 * delete unused login profiles, never rotate or delete a key.
 */
export const REMEDIATION_MODES = ['recommended', 'runbook'] as const;
export type RemediationMode = (typeof REMEDIATION_MODES)[number];

// ---------------------------------------------------------------------------------------------
// The effective policy: every field filled in.
// ---------------------------------------------------------------------------------------------

export interface RulesConfig {
  readonly KEY_ROTATION: { readonly enabled: boolean; readonly maxKeyAgeDays: number };
  readonly UNUSED_CREDENTIALS: { readonly enabled: boolean; readonly unusedDays: number };
  readonly MULTIPLE_ACTIVE_KEYS: { readonly enabled: boolean };
  readonly ROOT_ACCESS_KEY: { readonly enabled: boolean };
  readonly CONSOLE_WITHOUT_MFA: { readonly enabled: boolean };
}

interface ExemptionCommon {
  readonly reason: string;
  /** Last exempt day, `YYYY-MM-DD`, inclusive (UTC); null = no end. */
  readonly until: string | null;
  /** Rules covered; null = all rules (root findings are never exempt). */
  readonly rules: readonly RuleId[] | null;
}
export interface UserExemption extends ExemptionCommon {
  /** Exact user name or picomatch glob, compared case-insensitively like IAM does. */
  readonly name: string;
}
export interface PathExemption extends ExemptionCommon {
  /** IAM path prefix, e.g. `/service-accounts/`. */
  readonly path: string;
}
export interface GroupExemption extends ExemptionCommon {
  readonly group: string;
}
export interface TagExemptionConfig {
  readonly enabled: boolean;
  readonly key: string;
  readonly reasonKey: string;
}
export interface SsmExemptionConfig {
  readonly name: string;
  readonly reason: string;
  readonly rules: readonly RuleId[] | null;
}

export interface RotationConfig {
  readonly warnBeforeDays: number;
  readonly rotateAfterDays: number;
  readonly deactivateAfterDays: number;
  readonly deleteAfterDays: number;
  readonly inUseGraceDays: number;
  /** Deactivate even a key still in use after this many days; null = never force. */
  readonly forceDeactivateAfterDays: number | null;
}

export interface RemediationConfig {
  readonly mode: RemediationMode;
  /** Changes applied per run; the rest waits for the next run. Notifications do not count. */
  readonly maxActions: number;
  /** Replacement keys are stored in Secrets Manager as `<secretNamePrefix>/<accountId>/<userName>`. */
  readonly secretNamePrefix: string;
  /** User tag whose value names who is notified; without it the security team is. */
  readonly ownerTag: string;
  /** KMS key for the secrets holding new keys; null = the account's `aws/secretsmanager` key. */
  readonly secretKmsKeyId: string | null;
  /** Tags put on every secret Keywarden creates. */
  readonly secretTags: Readonly<Record<string, string>>;
}

/**
 * Where notifications go. Each channel is optional; the Slack webhook URL is a secret, so the
 * policy only names where to read it (an environment variable or an SSM SecureString parameter).
 */
export interface NotificationsConfig {
  /** The fallback recipient for users without an owner tag, and the Reply-To of owner emails. */
  readonly securityTeamEmail: string | null;
  /** An SNS topic, possibly in a central account: one message per recipient digest. */
  readonly sns: { readonly topicArn: string } | null;
  readonly slack: {
    readonly webhookUrlEnv: string | null;
    readonly webhookUrlSsmParameter: string | null;
  } | null;
  /** SES v2: each owner (owner tag value) gets one email digest per run. */
  readonly email: { readonly from: string } | null;
}

export interface Policy {
  readonly version: 1;
  readonly preset: PresetName | null;
  readonly rules: RulesConfig;
  readonly exemptions: {
    readonly users: readonly UserExemption[];
    readonly paths: readonly PathExemption[];
    readonly groups: readonly GroupExemption[];
    readonly tag: TagExemptionConfig;
    readonly ssmParameter: SsmExemptionConfig | null;
  };
  readonly inventory: {
    readonly mode: InventoryMode;
    readonly reportMaxAgeSeconds: number;
    readonly concurrency: number;
  };
  readonly rotation: RotationConfig;
  readonly remediation: RemediationConfig;
  readonly notifications: NotificationsConfig;
}

/** The recommended policy used when neither a preset nor a file says otherwise. */
export const DEFAULT_POLICY: Policy = {
  version: 1,
  preset: null,
  rules: {
    KEY_ROTATION: { enabled: true, maxKeyAgeDays: 90 },
    UNUSED_CREDENTIALS: { enabled: true, unusedDays: 90 },
    MULTIPLE_ACTIVE_KEYS: { enabled: true },
    ROOT_ACCESS_KEY: { enabled: true },
    CONSOLE_WITHOUT_MFA: { enabled: false },
  },
  exemptions: {
    users: [],
    paths: [],
    groups: [],
    tag: { enabled: true, key: 'keywarden:exempt', reasonKey: 'keywarden:exempt-reason' },
    ssmParameter: null,
  },
  inventory: { mode: 'report', reportMaxAgeSeconds: 14_400, concurrency: 8 },
  rotation: {
    warnBeforeDays: 14,
    rotateAfterDays: 90,
    deactivateAfterDays: 104,
    deleteAfterDays: 118,
    inUseGraceDays: 7,
    forceDeactivateAfterDays: null,
  },
  remediation: {
    mode: 'recommended',
    maxActions: 50,
    secretNamePrefix: 'keywarden',
    ownerTag: 'keywarden:owner',
    secretKmsKeyId: null,
    secretTags: { 'managed-by': 'keywarden' },
  },
  notifications: { securityTeamEmail: null, sns: null, slack: null, email: null },
};

// ---------------------------------------------------------------------------------------------
// The file schema: everything optional except `version`, unknown keys rejected.
// ---------------------------------------------------------------------------------------------

const MIN_DAYS = 1;
const MAX_DAYS = 10_000;
const DAYS_MESSAGE = `must be an integer from ${MIN_DAYS} to ${MAX_DAYS}`;
const MAX_REPORT_AGE_SECONDS = 604_800;
const REPORT_AGE_MESSAGE = `must be an integer from 1 to ${MAX_REPORT_AGE_SECONDS} (7 days)`;
const MAX_CONCURRENCY = 64;
const CONCURRENCY_MESSAGE = `must be an integer from 1 to ${MAX_CONCURRENCY}`;
const MAX_ACTIONS = 10_000;
const MAX_ACTIONS_MESSAGE = `must be an integer from 1 to ${MAX_ACTIONS}`;
const SECRET_PREFIX_MESSAGE =
  'must be 1 to 256 of the characters Secrets Manager allows in a name (A-Z a-z 0-9 / _ + = . @ -), ' +
  'not starting or ending with "/"';
const TAG_KEY_MESSAGE = 'must be an IAM tag key: 1 to 128 letters, digits, spaces or _ . : / = + - @';

function boundedInt(min: number, max: number, message: string) {
  return z.int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

const days = boundedInt(MIN_DAYS, MAX_DAYS, DAYS_MESSAGE);
const text = z.string().trim().min(1, { error: 'must not be empty' });
const dateOnly = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .refine(isDateOnly, { error: 'must be a real date written YYYY-MM-DD' });
const ruleList = z
  .array(z.enum(RULE_IDS))
  .min(1, { error: 'must name at least one rule; omit it to cover every rule' });
const iamPath = z
  .string()
  .regex(/^\/(?:[\x21-\x7e]*\/)?$/, { error: 'must be an IAM path that starts and ends with "/"' });

const secretNamePrefix = z
  .string({ error: SECRET_PREFIX_MESSAGE })
  .regex(/^(?!\/)[A-Za-z0-9/_+=.@-]{1,256}(?<!\/)$/, { error: SECRET_PREFIX_MESSAGE });
const tagKey = z
  .string({ error: TAG_KEY_MESSAGE })
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, { error: TAG_KEY_MESSAGE });

const email = z
  .string()
  .trim()
  .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: 'must be an email address' });
const snsTopicArn = z
  .string()
  .trim()
  .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, {
    error: 'must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)',
  });
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' });

const exemptionCommon = { reason: text, until: dateOnly.optional(), rules: ruleList.optional() };

const policyFileSchema = z.strictObject({
  version: z.literal(1),
  preset: z.enum(PRESET_NAMES).optional(),
  rules: z
    .strictObject({
      KEY_ROTATION: z
        .strictObject({ enabled: z.boolean().optional(), maxKeyAgeDays: days.optional() })
        .optional(),
      UNUSED_CREDENTIALS: z
        .strictObject({ enabled: z.boolean().optional(), unusedDays: days.optional() })
        .optional(),
      MULTIPLE_ACTIVE_KEYS: z.strictObject({ enabled: z.boolean().optional() }).optional(),
      ROOT_ACCESS_KEY: z.strictObject({ enabled: z.boolean().optional() }).optional(),
      CONSOLE_WITHOUT_MFA: z.strictObject({ enabled: z.boolean().optional() }).optional(),
    })
    .optional(),
  exemptions: z
    .strictObject({
      users: z.array(z.strictObject({ name: text, ...exemptionCommon })).optional(),
      paths: z.array(z.strictObject({ path: iamPath, ...exemptionCommon })).optional(),
      groups: z.array(z.strictObject({ group: text, ...exemptionCommon })).optional(),
      tag: z
        .strictObject({ enabled: z.boolean().optional(), key: text.optional(), reasonKey: text.optional() })
        .optional(),
      ssmParameter: z
        .strictObject({ name: text, reason: text.optional(), rules: ruleList.optional() })
        .nullable()
        .optional(),
    })
    .optional(),
  inventory: z
    .strictObject({
      mode: z.enum(INVENTORY_MODES).optional(),
      reportMaxAgeSeconds: boundedInt(1, MAX_REPORT_AGE_SECONDS, REPORT_AGE_MESSAGE).optional(),
      concurrency: boundedInt(1, MAX_CONCURRENCY, CONCURRENCY_MESSAGE).optional(),
    })
    .optional(),
  rotation: z
    .strictObject({
      warnBeforeDays: days.optional(),
      rotateAfterDays: days.optional(),
      deactivateAfterDays: days.optional(),
      deleteAfterDays: days.optional(),
      inUseGraceDays: days.optional(),
      forceDeactivateAfterDays: days.nullable().optional(),
    })
    .optional(),
  remediation: z
    .strictObject({
      mode: z.enum(REMEDIATION_MODES).optional(),
      maxActions: boundedInt(1, MAX_ACTIONS, MAX_ACTIONS_MESSAGE).optional(),
      secretNamePrefix: secretNamePrefix.optional(),
      ownerTag: tagKey.optional(),
      secretKmsKeyId: text.nullable().optional(),
      secretTags: z
        .record(tagKey, z.string().max(256, { error: 'must be at most 256 characters' }))
        .optional(),
    })
    .optional(),
  notifications: z
    .strictObject({
      securityTeamEmail: email.nullable().optional(),
      sns: z.strictObject({ topicArn: snsTopicArn }).nullable().optional(),
      slack: z
        .strictObject({ webhookUrlEnv: envName.optional(), webhookUrlSsmParameter: text.optional() })
        .refine((v) => (v.webhookUrlEnv === undefined) !== (v.webhookUrlSsmParameter === undefined), {
          error:
            'set exactly one of webhookUrlEnv or webhookUrlSsmParameter (the URL itself never goes in the policy)',
        })
        .nullable()
        .optional(),
      email: z.strictObject({ from: email }).nullable().optional(),
    })
    .optional(),
});

/** A validated policy file (or preset) before defaults are filled in. */
export type PolicyInput = z.output<typeof policyFileSchema>;

/** Presets, expressed as policy files so they merge exactly like one. */
export const PRESETS: Readonly<Record<PresetName, PolicyInput>> = {
  // Mirrors the two AWS Config managed rules (access-keys-rotated, iam-user-unused-credentials-check)
  // plus iam-root-access-key-check, so Keywarden and Config agree on every verdict.
  'aws-config': {
    version: 1,
    rules: {
      KEY_ROTATION: { enabled: true, maxKeyAgeDays: 90 },
      UNUSED_CREDENTIALS: { enabled: true, unusedDays: 90 },
      MULTIPLE_ACTIVE_KEYS: { enabled: false },
      ROOT_ACCESS_KEY: { enabled: true },
      CONSOLE_WITHOUT_MFA: { enabled: false },
    },
    // Remediation is the runbook AWSConfigRemediation-RevokeUnusedIAMUserCredentials, nothing more.
    remediation: { mode: 'runbook' },
  },
  // CIS AWS Foundations Benchmark: 1.12 (unused 45 days), 1.13 (one active key), 1.14 (90-day rotation),
  // 1.4 (no root keys), 1.10 (MFA for console users).
  cis: {
    version: 1,
    rules: {
      KEY_ROTATION: { enabled: true, maxKeyAgeDays: 90 },
      UNUSED_CREDENTIALS: { enabled: true, unusedDays: 45 },
      MULTIPLE_ACTIVE_KEYS: { enabled: true },
      ROOT_ACCESS_KEY: { enabled: true },
      CONSOLE_WITHOUT_MFA: { enabled: true },
    },
  },
  // The common enterprise schedule: rotate at 165 days, deactivate at 180, delete at 185; a key still
  // used within the last 10 days is not deactivated.
  'rotation-165-180-185': {
    version: 1,
    rules: { KEY_ROTATION: { enabled: true, maxKeyAgeDays: 165 } },
    rotation: {
      warnBeforeDays: 15,
      rotateAfterDays: 165,
      deactivateAfterDays: 180,
      deleteAfterDays: 185,
      inUseGraceDays: 10,
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Parsing and resolution (pure, never throw).
// ---------------------------------------------------------------------------------------------

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
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = (pos: readonly [number, number]): string => {
    const { line, col } = lineCounter.linePos(pos[0]);
    return `${sourceName}:${line}:${col}`;
  };
  const warnings = doc.warnings.map((w) => `${where(w.pos)}: ${firstLine(w.message)}`);
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => `${where(e.pos)}: YAML syntax error: ${firstLine(e.message)}`);
    return { value: null, errors, warnings };
  }
  const raw: unknown = doc.toJS();
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
  return {
    value: parsed.data,
    errors: [],
    warnings: [...warnings, ...fileWarnings(parsed.data, sourceName)],
  };
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
  if (RULE_IDS.every((id) => !policy.rules[id].enabled)) {
    warnings.push(`${sourceName}: every rule is disabled, so the audit cannot report anything`);
  }
  return errors.length > 0 ? { value: null, errors, warnings } : { value: policy, errors: [], warnings };
}

/** True for a supported preset name; narrows raw CLI input. */
export function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value);
}

/** The rules a policy turns on, in {@link RULE_IDS} order. */
export function enabledRuleIds(policy: Policy): RuleId[] {
  return RULE_IDS.filter((id) => policy.rules[id].enabled);
}

function applyInput(base: Policy, input: PolicyInput): Policy {
  const r = base.rules;
  const ir = input.rules;
  const ex = input.exemptions;
  return {
    version: 1,
    preset: base.preset,
    rules: {
      KEY_ROTATION: { ...r.KEY_ROTATION, ...ir?.KEY_ROTATION },
      UNUSED_CREDENTIALS: { ...r.UNUSED_CREDENTIALS, ...ir?.UNUSED_CREDENTIALS },
      MULTIPLE_ACTIVE_KEYS: { ...r.MULTIPLE_ACTIVE_KEYS, ...ir?.MULTIPLE_ACTIVE_KEYS },
      ROOT_ACCESS_KEY: { ...r.ROOT_ACCESS_KEY, ...ir?.ROOT_ACCESS_KEY },
      CONSOLE_WITHOUT_MFA: { ...r.CONSOLE_WITHOUT_MFA, ...ir?.CONSOLE_WITHOUT_MFA },
    },
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

function fileWarnings(input: PolicyInput, sourceName: string): string[] {
  const warnings: string[] = [];
  const lists = [
    ['users', input.exemptions?.users],
    ['paths', input.exemptions?.paths],
    ['groups', input.exemptions?.groups],
  ] as const;
  for (const [kind, list] of lists) {
    list?.forEach((e, i) => {
      if (e.rules?.includes('ROOT_ACCESS_KEY')) {
        warnings.push(
          `${sourceName}: exemptions.${kind}[${i}].rules: ROOT_ACCESS_KEY is listed but root findings are never exempt`,
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

// ---------------------------------------------------------------------------------------------
// The text `keywarden init` writes; parses to DEFAULT_POLICY (tested).
// ---------------------------------------------------------------------------------------------

/** A commented policy file equal to {@link DEFAULT_POLICY}, for `keywarden init`. */
export const DEFAULT_POLICY_YAML = `# Keywarden policy. Only "version" is required; every value below is the default.
version: 1

# Start from a preset and override single values below:
#   aws-config            the AWS Config managed rules (rotation 90, unused 90, root keys);
#                         remediation is the AWS runbook: revoke unused credentials, never rotate
#   cis                   CIS AWS Foundations (unused 45, one active key, MFA for console users)
#   rotation-165-180-185  rotate at 165 days, deactivate at 180, delete at 185
# preset: aws-config

rules:
  # An active access key older than maxKeyAgeDays (strictly) is NON_COMPLIANT (AWS Config access-keys-rotated).
  KEY_ROTATION: { enabled: true, maxKeyAgeDays: 90 }
  # An active key or console password not used for unusedDays or more (never used: counted from
  # creation) is NON_COMPLIANT (AWS Config iam-user-unused-credentials-check).
  UNUSED_CREDENTIALS: { enabled: true, unusedDays: 90 }
  # A user with two active access keys.
  MULTIPLE_ACTIVE_KEYS: { enabled: true }
  # The root user has an active access key. Never exempt.
  ROOT_ACCESS_KEY: { enabled: true }
  # A user with a console password and no MFA device.
  CONSOLE_WITHOUT_MFA: { enabled: false }

exemptions:
  # Each entry needs a reason; "until" (YYYY-MM-DD, inclusive) and "rules" (default: all) are optional.
  users: []     # - { name: "breakglass-*", reason: "break-glass admin", until: "2027-06-30", rules: [KEY_ROTATION] }
  paths: []     # - { path: "/service-accounts/", reason: "owned by the platform team" }
  groups: []    # - { group: "keywarden-exempt", reason: "approved in SEC-1234" }
  # A user tagged keywarden:exempt=true (or =YYYY-MM-DD, an end date) is exempt;
  # the reason comes from the keywarden:exempt-reason tag.
  tag: { enabled: true, key: "keywarden:exempt", reasonKey: "keywarden:exempt-reason" }
  # A comma-separated list of user names kept in SSM Parameter Store:
  # ssmParameter: { name: "/iam-unused-user-cleanup/excluded-users", reason: "listed in SSM parameter" }

inventory:
  mode: report                 # report (IAM credential report) | live (ListUsers, ListAccessKeys, ...)
  reportMaxAgeSeconds: 14400   # reuse a credential report up to this age; AWS makes a new one only after 4 h
  concurrency: 8               # parallel IAM calls per account

# Used by remediation: days after key creation.
rotation:
  warnBeforeDays: 14           # notify this many days before rotateAfterDays
  rotateAfterDays: 90          # create a replacement key
  deactivateAfterDays: 104     # deactivate the old key
  deleteAfterDays: 118         # delete the old key
  inUseGraceDays: 7            # wait this long when the old key is still being used
  forceDeactivateAfterDays: null   # deactivate even if still in use; null = never

remediation:
  mode: recommended            # recommended (rotate keys in use, revoke unused ones) | runbook (revoke unused only)
  maxActions: 50               # changes per run; the rest waits for the next run (notifications don't count)
  secretNamePrefix: keywarden  # new keys are stored in Secrets Manager as <prefix>/<account>/<user>
  ownerTag: "keywarden:owner"  # user tag naming whom to notify; without it, the security team
  secretKmsKeyId: null         # KMS key for those secrets; null = aws/secretsmanager
  secretTags: { managed-by: keywarden }

# Where remediation notifications go (one digest per recipient per run). All optional.
notifications:
  securityTeamEmail: null      # fallback recipient for users without an owner tag
  sns: null                    # { topicArn: "arn:aws:sns:us-east-1:111111111111:keywarden-security" }
  slack: null                  # { webhookUrlEnv: KEYWARDEN_SLACK_WEBHOOK_URL } or { webhookUrlSsmParameter: /keywarden/slack }
  email: null                  # { from: keywarden@example.com }  (SES; to the owner tag's address)
`;
