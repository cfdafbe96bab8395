/**
 * Test support: the demo world's organization (worlds/demo.yaml) as multi-account tests drive it:
 * its accounts, the management account's credentials, and the role Keywarden assumes in members.
 */
export const MGMT = '111111111111';
export const PROD = '222222222222';
export const DEV = '333333333333';

/** Credentials of the management account's administrator (unknown key ids act as it too). */
export const MANAGEMENT_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDORGADMIN',
  AWS_SECRET_ACCESS_KEY: 'x',
  AWS_REGION: 'us-east-1',
} as const;

/** The role the demo world creates in its member accounts. */
export const ROLE_NAME = 'KeywardenAuditRole';
export const ROLE = ['--role-name', ROLE_NAME] as const;
