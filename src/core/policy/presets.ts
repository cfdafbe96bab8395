import { RULES } from '../rules/registry.js';
import type { PolicyInput } from './schema.js';
import type { PresetName } from './types.js';

type RulesInput = NonNullable<PolicyInput['rules']>;

/**
 * A preset that stands for a fixed set of checks (a benchmark, the AWS managed rules) turns every
 * other rule off, so a rule added later does not join it unasked.
 */
function only(rules: RulesInput): RulesInput {
  const all: Record<string, unknown> = {};
  for (const rule of RULES) all[rule.id] = { enabled: false };
  for (const [id, settings] of Object.entries(rules)) all[id] = { enabled: true, ...settings };
  return all as RulesInput;
}

/**
 * CIS AWS Foundations Benchmark v3.0.0: 1.12 (unused 45 days), 1.13 (one active key), 1.14 (90-day
 * rotation), 1.4 (no root keys), 1.10 (MFA for console users). Findings name only v3.0.0's controls.
 */
const CIS_V3: PolicyInput = {
  version: 1,
  rules: only({
    KEY_ROTATION: { maxKeyAgeDays: 90 },
    UNUSED_CREDENTIALS: { unusedDays: 45 },
    MULTIPLE_ACTIVE_KEYS: {},
    ROOT_ACCESS_KEY: {},
    CONSOLE_WITHOUT_MFA: {},
  }),
  compliance: { cisVersion: '3.0.0' },
};

/** Presets, expressed as policy files so they merge exactly like one. */
export const PRESETS: Readonly<Record<PresetName, PolicyInput>> = {
  // Mirrors the two AWS Config managed rules (access-keys-rotated, iam-user-unused-credentials-check)
  // plus iam-root-access-key-check, so Keywarden and Config agree on every verdict.
  'aws-config': {
    version: 1,
    rules: only({
      KEY_ROTATION: { maxKeyAgeDays: 90 },
      UNUSED_CREDENTIALS: { unusedDays: 90 },
      ROOT_ACCESS_KEY: {},
    }),
    // Remediation is the runbook AWSConfigRemediation-RevokeUnusedIAMUserCredentials, nothing more.
    remediation: { mode: 'runbook' },
  },
  // CIS AWS Foundations Benchmark v3.0.0, the newest Keywarden maps: `cis-3.0.0` pins it.
  cis: CIS_V3,
  'cis-3.0.0': CIS_V3,
  // v1.4.0 has the same IAM credential controls as v3.0.0, under the same numbers.
  'cis-1.4.0': { ...CIS_V3, compliance: { cisVersion: '1.4.0' } },
  // v1.2.0: 1.3 (unused 90 days), 1.4 (90-day rotation), 1.12 (no root keys), 1.2 (MFA for console
  // users); it has no one-active-key control.
  'cis-1.2.0': {
    version: 1,
    rules: only({
      KEY_ROTATION: { maxKeyAgeDays: 90 },
      UNUSED_CREDENTIALS: { unusedDays: 90 },
      ROOT_ACCESS_KEY: {},
      CONSOLE_WITHOUT_MFA: {},
    }),
    compliance: { cisVersion: '1.2.0' },
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
