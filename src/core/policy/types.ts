/** The effective policy: every field filled in, and the defaults a policy file starts from. */
import { RULES, type RuleId, type RulesConfig } from '../rules/registry.js';
import type { CisVersion } from '../rules/types.js';
import { DEFAULT_LEASE_SECONDS } from './journal.js';

export type { RuleId, RulesConfig } from '../rules/registry.js';

/**
 * Named starting points a policy can build on; the file's own values override the preset. `cis` is
 * the newest CIS AWS Foundations Benchmark Keywarden maps (v3.0.0); `cis-<version>` pins one.
 */
export const PRESET_NAMES = [
  'aws-config',
  'cis',
  'cis-3.0.0',
  'cis-1.4.0',
  'cis-1.2.0',
  'rotation-165-180-185',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const INVENTORY_MODES = ['report', 'live'] as const;
export type InventoryMode = (typeof INVENTORY_MODES)[number];

/**
 * Which access keys a report-mode audit names by id. The credential report has none: `findings`
 * looks them up (one ListAccessKeys per user with a key finding); `none` names a key by its user,
 * slot (1 or 2) and creation date and makes no per-user key call. Live mode always has the ids.
 */
export const KEY_ID_MODES = ['findings', 'none'] as const;
export type KeyIdMode = (typeof KEY_ID_MODES)[number];

/**
 * `recommended` rotates keys in use and revokes unused ones; `runbook` does exactly what the AWS
 * runbook AWSConfigRemediation-RevokeUnusedIAMUserCredentials does: deactivate unused keys and
 * delete unused login profiles, never rotate or delete a key.
 */
export const REMEDIATION_MODES = ['recommended', 'runbook'] as const;
export type RemediationMode = (typeof REMEDIATION_MODES)[number];

export interface ExemptionCommon {
  readonly reason: string;
  /** Last exempt day, `YYYY-MM-DD`, inclusive (UTC); null = no end. */
  readonly until: string | null;
  /** Rules covered; null = all rules (a rule marked never-exempt is never covered). */
  readonly rules: readonly RuleId[] | null;
}
interface UserExemption extends ExemptionCommon {
  /** Exact user name or picomatch glob, compared case-insensitively like IAM does. */
  readonly name: string;
}
interface PathExemption extends ExemptionCommon {
  /** IAM path prefix, e.g. `/service-accounts/`. */
  readonly path: string;
}
interface GroupExemption extends ExemptionCommon {
  readonly group: string;
}
interface TagExemptionConfig {
  readonly enabled: boolean;
  readonly key: string;
  readonly reasonKey: string;
}
interface SsmExemptionConfig {
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

/**
 * Where runs are journaled and how long a run's hold on an account lasts. `location` is a file path
 * or `dynamodb://TABLE` as written (null: the CLI's per-user file); `--journal` and
 * `KEYWARDEN_JOURNAL` override it. The lease applies to a shared (DynamoDB) journal: a run renews it
 * as it goes, so it lapses `leaseSeconds` after a run stopped renewing it (a crash).
 */
export interface JournalConfig {
  readonly location: string | null;
  readonly leaseSeconds: number;
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
    /** Per-user IAM calls in flight at once (report-mode look-ups, live mode). */
    readonly concurrency: number;
    /** Report mode only: see {@link KEY_ID_MODES}. */
    readonly keyIds: KeyIdMode;
  };
  readonly rotation: RotationConfig;
  readonly remediation: RemediationConfig;
  readonly notifications: NotificationsConfig;
  readonly journal: JournalConfig;
  readonly compliance: ComplianceConfig;
}

/**
 * Which standard versions the report names. `cisVersion`: the one CIS AWS Foundations Benchmark
 * version findings list their CIS control in, and the report names; null lists every version
 * Keywarden maps. The `cis` presets set it.
 */
export interface ComplianceConfig {
  readonly cisVersion: CisVersion | null;
}

/** The recommended policy used when neither a preset nor a file says otherwise. */
export const DEFAULT_POLICY: Policy = {
  version: 1,
  preset: null,
  rules: Object.fromEntries(RULES.map((r) => [r.id, r.defaults])) as unknown as RulesConfig,
  exemptions: {
    users: [],
    paths: [],
    groups: [],
    tag: { enabled: true, key: 'keywarden:exempt', reasonKey: 'keywarden:exempt-reason' },
    ssmParameter: null,
  },
  inventory: { mode: 'report', reportMaxAgeSeconds: 14_400, concurrency: 16, keyIds: 'findings' },
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
  journal: { location: null, leaseSeconds: DEFAULT_LEASE_SECONDS },
  compliance: { cisVersion: null },
};

/** The rules a policy turns on, in report order. */
export function enabledRuleIds(policy: Policy): RuleId[] {
  return RULES.filter((r) => policy.rules[r.id].enabled).map((r) => r.id);
}
