import type { Permission } from '../core/permission.js';

export const ASSUME_ROLE_PERMISSIONS: readonly Permission[] = ['sts:AssumeRole'];

/** What live mode calls, user by user (groups, MFA devices and attached policies only when the policy needs them). */
export const LIVE_INVENTORY_PERMISSIONS: readonly Permission[] = [
  'iam:ListUsers',
  'iam:GetUser',
  'iam:ListAccessKeys',
  'iam:GetAccessKeyLastUsed',
  'iam:GetLoginProfile',
  'iam:GetAccountSummary',
  'iam:ListGroupsForUser',
  'iam:ListMFADevices',
  'iam:ListAttachedUserPolicies',
  'sts:GetCallerIdentity',
];

export const CONFIG_RULE_PERMISSIONS: readonly Permission[] = ['config:PutEvaluations'];

export const USER_BY_ID_PERMISSIONS: readonly Permission[] = ['iam:ListUsers'];

/** Reading the exclusion list. */
export const SSM_EXCLUSION_PERMISSIONS: readonly Permission[] = ['ssm:GetParameter'];

/**
 * Reading what an earlier import left, importing, resolving and archiving; the workflow of a resolved
 * or re-opened finding (BatchImportFindings cannot change it once the finding exists).
 */
export const SECURITY_HUB_PERMISSIONS: readonly Permission[] = [
  'securityhub:GetFindings',
  'securityhub:BatchImportFindings',
  'securityhub:BatchUpdateFindings',
];

/**
 * Writing and reading the run's objects. `s3:ListBucket` is never called: without it S3 answers a
 * missing key with AccessDenied instead of NoSuchKey, and the report step must tell "the worker wrote
 * nothing" from "no access".
 */
export const REPORT_BUCKET_PERMISSIONS: readonly Permission[] = [
  's3:GetObject',
  's3:PutObject',
  's3:ListBucket',
];

/**
 * What report mode calls: the report, the users' details (ids, paths, tags, groups), key ids for the
 * users whose keys must be named, login profiles whose creation time decides a verdict, and the
 * caller's account when the report names none.
 */
export const REPORT_INVENTORY_PERMISSIONS: readonly Permission[] = [
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:GetAccountAuthorizationDetails',
  'iam:ListAccessKeys',
  'iam:GetLoginProfile',
  'sts:GetCallerIdentity',
  // A user whose report row cannot be read is read live (readUserLive).
  'iam:GetUser',
  'iam:GetAccessKeyLastUsed',
  'iam:ListMFADevices',
];

export const ORGANIZATION_PERMISSIONS: readonly Permission[] = [
  'organizations:ListAccounts',
  'organizations:ListAccountsForParent',
  'organizations:ListChildren',
];

/** Reads the deployed policy from KEYWARDEN_POLICY_PARAMETER (a SecureString also needs kms:Decrypt on its key). */
export const POLICY_PARAMETER_PERMISSIONS: readonly Permission[] = ['ssm:GetParameter'];
