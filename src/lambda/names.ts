/** The Lambda handlers, by the file name of their entry in src/lambda: one list for the CDK app, `keywarden invoke` and the bundler. */

/** The account stack's handlers. */
export const ACCOUNT_HANDLER_NAMES = ['scheduled', 'config-rule', 'remediate'] as const;

/** The organization stack's handlers. */
export const ORG_HANDLER_NAMES = ['org-accounts', 'org-worker', 'org-report'] as const;

/** Every handler with an entry in src/lambda. */
export const LAMBDA_HANDLER_NAMES = [...ACCOUNT_HANDLER_NAMES, ...ORG_HANDLER_NAMES] as const;
