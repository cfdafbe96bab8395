/**
 * The AWS Security Finding Format (ASFF, schema version 2018-10-08) as BatchImportFindings takes it:
 * its shape, Keywarden's ids in it, and the standards' words it uses (each checked against the
 * Security Hub user guide and API reference: docs/reports.md cites them).
 */

import type { ComplianceStandard } from './compliance.js';
import type { Severity } from './rules/types.js';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
export const ASFF_ID_PREFIX = 'keywarden/';
export const ASFF_GENERATOR_PREFIX = 'keywarden/';
export const ASFF_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';

/**
 * The `Types` of a standard a finding maps to, from the ASFF types taxonomy (namespace / category /
 * classifier, the classifiers spelled as the taxonomy spells them). Security Hub and AWS Config ids
 * have no classifier of their own.
 */
export const ASFF_STANDARD_TYPES: Readonly<Partial<Record<ComplianceStandard, string>>> = {
  cis: 'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark',
  'nist-800-53':
    'Software and Configuration Checks/Industry and Regulatory Standards/NIST 800-53 Controls (USA)',
};

/** `Compliance.RelatedRequirements` holds at most 32 items (API reference, `Compliance`). */
export const ASFF_MAX_RELATED_REQUIREMENTS = 32;

export type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
/** Keywarden's severity as ASFF's label. */
export const ASFF_SEVERITY_LABEL: Readonly<Record<Severity, AsffSeverityLabel>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
};

/** `Compliance.Status`'s four values. */
export type AsffComplianceStatus = 'PASSED' | 'WARNING' | 'FAILED' | 'NOT_AVAILABLE';

/** Why a finding is not FAILED: Keywarden's own reason codes, in `Compliance.StatusReasons`. */
export type AsffReasonCode = 'KEYWARDEN_EXEMPT' | 'KEYWARDEN_ROTATION_IN_PROGRESS';

export interface AsffCompliance {
  readonly Status: AsffComplianceStatus;
  readonly StatusReasons?: readonly { readonly ReasonCode: AsffReasonCode; readonly Description: string }[];
  /** The Security Hub control the rule implements (`IAM.3`); absent when it has none. */
  readonly SecurityControlId?: string;
  /** CIS and NIST requirements as Security Hub writes them; absent when there are none. */
  readonly RelatedRequirements?: readonly string[];
}

export interface AsffResource {
  readonly Type: 'AwsIamUser' | 'AwsIamAccessKey' | 'AwsAccount';
  readonly Id: string;
  readonly Partition: string;
  readonly Region: string;
  readonly Details?: {
    readonly AwsIamUser?: { readonly UserName: string };
    readonly AwsIamAccessKey?: {
      readonly AccessKeyId: string;
      readonly PrincipalName: string;
      readonly PrincipalType: 'IAMUser';
      readonly AccountId: string;
      readonly Status: 'Active';
    };
  };
}

/** One ASFF finding with every required field; a subset of the SDK's `AwsSecurityFinding`. */
export interface AsffFinding {
  readonly SchemaVersion: string;
  readonly Id: string;
  readonly ProductArn: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Types: readonly string[];
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly FirstObservedAt: string;
  readonly LastObservedAt: string;
  readonly Severity: { readonly Label: AsffSeverityLabel; readonly Original: string };
  readonly Title: string;
  readonly Description: string;
  readonly Remediation: { readonly Recommendation: { readonly Text: string } };
  readonly ProductFields: Readonly<Record<string, string>>;
  readonly Resources: readonly AsffResource[];
  readonly Compliance: AsffCompliance;
  readonly FindingProviderFields: {
    readonly Severity: { readonly Label: AsffSeverityLabel; readonly Original: string };
    readonly Types: readonly string[];
  };
  readonly RecordState: 'ACTIVE' | 'ARCHIVED';
}

/**
 * IAM.22 checks credentials unused for 45 days, IAM.8 for 90 (the Security Hub controls reference):
 * a policy at 45 days or less implements IAM.22, a longer one IAM.8.
 */
const IAM_22_MAX_UNUSED_DAYS = 45;

/**
 * The one Security Hub control id of a rule (`Compliance.SecurityControlId` is a single string): its
 * only id, or, for a rule that names two (IAM.8 and IAM.22 for unused credentials), the one the
 * policy's threshold implements. Null when the rule names none.
 */
export function securityControlId(ids: readonly string[], unusedDays: number): string | null {
  if (ids.length <= 1) return ids[0] ?? null;
  if (ids.includes('IAM.8') && ids.includes('IAM.22')) {
    return unusedDays <= IAM_22_MAX_UNUSED_DAYS ? 'IAM.22' : 'IAM.8';
  }
  return ids[0] ?? null;
}

/** `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`. */
export function defaultProductArn(partition: string, region: string, accountId: string): string {
  return `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/** `aws`, `aws-cn`, `aws-us-gov`... from an ARN; `aws` when it cannot be read. */
export function partitionOf(arn: string): string {
  return /^arn:([a-z-]+):/.exec(arn)?.[1] ?? 'aws';
}
