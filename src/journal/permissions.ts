import type { Permission } from '../core/permission.js';

/** What runs need on the table: read the records, append, take and renew leases, claim intents. */
export const DYNAMODB_JOURNAL_PERMISSIONS: readonly Permission[] = [
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

/**
 * What `keywarden journal leases` and `release` need: leases live in one partition per account, so
 * listing them all is a Scan of the table (`--account` reads one item instead).
 */
export const DYNAMODB_JOURNAL_LEASES_PERMISSIONS: readonly Permission[] = [
  'dynamodb:Scan',
  'dynamodb:GetItem',
  'dynamodb:DeleteItem',
];

/** What `keywarden journal create` needs. */
export const DYNAMODB_JOURNAL_CREATE_PERMISSIONS: readonly Permission[] = [
  'dynamodb:CreateTable',
  'dynamodb:DescribeTable',
  'dynamodb:DescribeContinuousBackups',
  'dynamodb:UpdateContinuousBackups',
  'dynamodb:DescribeTimeToLive',
  'dynamodb:UpdateTimeToLive',
];
