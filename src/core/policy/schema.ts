/**
 * The policy file schema: everything optional except `version`, unknown keys rejected. The `rules`
 * section is built from the rule registry: each rule contributes `enabled` and its own parameters.
 */
import * as z from 'zod';
import { RULE_IDS, RULES, type RuleId, type RulesConfig } from '../rules/registry.js';
import { CIS_VERSIONS } from '../rules/types.js';
import { boundedInt, dateOnly, days, text } from './fields.js';
import { MAX_LEASE_SECONDS, MIN_LEASE_SECONDS, parseJournalSpec } from './journal.js';
import { INVENTORY_MODES, KEY_ID_MODES, PRESET_NAMES, REMEDIATION_MODES } from './types.js';

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

const LEASE_MESSAGE = `must be an integer from ${MIN_LEASE_SECONDS} to ${MAX_LEASE_SECONDS} (seconds)`;

/**
 * `journal: dynamodb://TABLE` (or a path) is short for `journal: { location: ... }`. A bad location
 * is reported on `journal` itself, so the message shows the value as written in either form.
 */
const journalSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { location: value } : value),
  z
    .strictObject({
      location: z.string().nullable().optional(),
      leaseSeconds: boundedInt(MIN_LEASE_SECONDS, MAX_LEASE_SECONDS, LEASE_MESSAGE).optional(),
    })
    .superRefine((value, ctx) => {
      if (value.location === null || value.location === undefined) return;
      const parsed = parseJournalSpec(value.location);
      if ('error' in parsed) ctx.addIssue({ code: 'custom', message: `location ${parsed.error}` });
    }),
);

const exemptionCommon = { reason: text, until: dateOnly.optional(), rules: ruleList.optional() };

/** `rules.<id>: { enabled?, <param>? }` for every registered rule. */
const rulesSchema = z.strictObject(
  Object.fromEntries(
    RULES.map((rule) => [
      rule.id,
      z
        .strictObject({
          enabled: z.boolean().optional(),
          ...Object.fromEntries(
            Object.entries(rule.params).map(([name, schema]) => [name, schema.optional()]),
          ),
        })
        .optional(),
    ]),
  ),
);

export const policyFileSchema = z.strictObject({
  version: z.literal(1),
  preset: z.enum(PRESET_NAMES).optional(),
  rules: rulesSchema.optional(),
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
      keyIds: z.enum(KEY_ID_MODES).optional(),
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
  journal: journalSchema.optional(),
  compliance: z.strictObject({ cisVersion: z.enum(CIS_VERSIONS).nullable().optional() }).optional(),
});

type ParsedFile = z.output<typeof policyFileSchema>;

/** A validated policy file (or preset) before defaults are filled in. */
export type PolicyInput = Omit<ParsedFile, 'rules'> & {
  readonly rules?: { readonly [Id in RuleId]?: Partial<RulesConfig[Id]> };
};
