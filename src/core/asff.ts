/** The AWS Security Finding Format (ASFF) as BatchImportFindings takes it: its shape and Keywarden's ids in it. */

import type { Severity } from './rules/types.js';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
export const ASFF_ID_PREFIX = 'keywarden/';
export const ASFF_GENERATOR_PREFIX = 'keywarden/';
export const ASFF_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';

export type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
/** Keywarden's severity as ASFF's label. */
export const ASFF_SEVERITY_LABEL: Readonly<Record<Severity, AsffSeverityLabel>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
};

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
  readonly Compliance: { readonly Status: 'FAILED' };
  readonly FindingProviderFields: {
    readonly Severity: { readonly Label: AsffSeverityLabel; readonly Original: string };
    readonly Types: readonly string[];
  };
  readonly RecordState: 'ACTIVE' | 'ARCHIVED';
}

/** `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`. */
export function defaultProductArn(partition: string, region: string, accountId: string): string {
  return `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/** `aws`, `aws-cn`, `aws-us-gov`... from an ARN; `aws` when it cannot be read. */
export function partitionOf(arn: string): string {
  return /^arn:([a-z-]+):/.exec(arn)?.[1] ?? 'aws';
}
