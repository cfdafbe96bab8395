/**
 * The KeywardenOrganization stack's CloudFormation parameters (docs/deploy.md documents each) and
 * the conditions that say a member-role target was given. They are declared in the stack's own scope:
 * a parameter's logical id is its name, which operators pass at deploy time.
 */
import { CfnCondition, CfnParameter, Fn } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { maxActionsParameter, scheduleExpressionParameter } from './stack-parameters.js';

const IDS = '(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})';
const ACCOUNTS = '\\d{12}';
const list = (item: string) => `^$|^${item}(,${item})*$`;

/** The parameters, in the order docs/deploy.md lists them, and the two member-target conditions. */
export interface OrganizationParameters {
  readonly organizationId: CfnParameter;
  readonly scheduleExpression: CfnParameter;
  readonly maxConcurrency: CfnParameter;
  readonly toleratedFailurePercentage: CfnParameter;
  readonly maxActions: CfnParameter;
  readonly auditOus: CfnParameter;
  readonly includeAccounts: CfnParameter;
  readonly excludeAccounts: CfnParameter;
  readonly memberOus: CfnParameter;
  readonly memberAccounts: CfnParameter;
  readonly callAs: CfnParameter;
  readonly externalId: CfnParameter;
  readonly retentionDays: CfnParameter;
  /** `HasMemberOrganizationalUnits`: MemberOrganizationalUnitIds is not empty. */
  readonly hasMemberOus: CfnCondition;
  /** `HasMemberAccounts`: MemberAccountIds is not empty. */
  readonly hasMemberAccounts: CfnCondition;
}

/**
 * Declares the organization stack's parameters in `scope` (the stack); `policyMaxActions` is
 * MaxActions' default.
 */
export function organizationParameters(scope: Construct, policyMaxActions: number): OrganizationParameters {
  const organizationId = new CfnParameter(scope, 'OrganizationId', {
    type: 'String',
    allowedPattern: '^o-[a-z0-9]{10,32}$',
    description:
      'The organization id (o-…): only principals of this organization may publish to the central topic.',
  });
  const scheduleExpression = scheduleExpressionParameter(
    scope,
    'When the organization run starts: an EventBridge rate() or cron() expression.',
  );
  const maxConcurrency = new CfnParameter(scope, 'MaxConcurrency', {
    type: 'Number',
    default: 10,
    minValue: 1,
    maxValue: 10000,
    description: "Accounts worked on at once (the Distributed Map's MaxConcurrency).",
  });
  const toleratedFailurePercentage = new CfnParameter(scope, 'ToleratedFailurePercentage', {
    type: 'Number',
    default: 10,
    minValue: 0,
    maxValue: 100,
    description:
      "Percent of the Map's items that may fail before the run fails. A failure in an account is caught and reported, so only a failure of the Map machinery itself counts.",
  });
  const maxActions = maxActionsParameter(
    scope,
    policyMaxActions,
    'Changes one run applies at most in each account (KEYWARDEN_MAX_ACTIONS); the rest waits.',
  );
  const auditOus = new CfnParameter(scope, 'AuditOrganizationalUnitIds', {
    type: 'String',
    default: '',
    allowedPattern: list(IDS),
    description:
      'Optional: only accounts under these OUs or roots (comma-separated; child OUs included), as --ous. Empty: every account.',
  });
  const includeAccounts = new CfnParameter(scope, 'IncludeAccountIds', {
    type: 'String',
    default: '',
    allowedPattern: list(ACCOUNTS),
    description: 'Optional: only these account ids (comma-separated), as --include-accounts.',
  });
  const excludeAccounts = new CfnParameter(scope, 'ExcludeAccountIds', {
    type: 'String',
    default: '',
    allowedPattern: list(ACCOUNTS),
    description: 'Optional: leave these account ids out (comma-separated), as --exclude-accounts.',
  });
  const memberOus = new CfnParameter(scope, 'MemberOrganizationalUnitIds', {
    type: 'CommaDelimitedList',
    default: '',
    description:
      'OUs (or the root) whose accounts get KeywardenMemberRole from a service-managed StackSet, with automatic deployment to accounts that join later. Empty: no service-managed StackSet.',
  });
  const memberAccounts = new CfnParameter(scope, 'MemberAccountIds', {
    type: 'CommaDelimitedList',
    default: '',
    description:
      'Accounts that get KeywardenMemberRole from a self-managed StackSet (needs AWSCloudFormationStackSetAdministrationRole here and AWSCloudFormationStackSetExecutionRole in each account). Empty: none. Use it for the management account, which a service-managed StackSet never deploys to.',
  });
  const callAs = new CfnParameter(scope, 'StackSetCallAs', {
    type: 'String',
    default: 'SELF',
    allowedValues: ['SELF', 'DELEGATED_ADMIN'],
    description:
      'SELF in the management account; DELEGATED_ADMIN in a delegated administrator account for StackSets.',
  });
  const externalId = new CfnParameter(scope, 'MemberExternalId', {
    type: 'String',
    default: '',
    allowedPattern: '^$|^[\\w+=,.@:/-]{2,1224}$',
    description: "Optional: the external id KeywardenMemberRole's trust requires (sts:ExternalId).",
    noEcho: false,
  });
  const retentionDays = new CfnParameter(scope, 'ReportRetentionDays', {
    type: 'Number',
    default: 365,
    minValue: 1,
    description: 'Days the reports stay in the report bucket before they expire.',
  });
  const hasMemberOus = new CfnCondition(scope, 'HasMemberOrganizationalUnits', {
    expression: Fn.conditionNot(Fn.conditionEquals(Fn.join('', memberOus.valueAsList), '')),
  });
  const hasMemberAccounts = new CfnCondition(scope, 'HasMemberAccounts', {
    expression: Fn.conditionNot(Fn.conditionEquals(Fn.join('', memberAccounts.valueAsList), '')),
  });
  return {
    organizationId,
    scheduleExpression,
    maxConcurrency,
    toleratedFailurePercentage,
    maxActions,
    auditOus,
    includeAccounts,
    excludeAccounts,
    memberOus,
    memberAccounts,
    callAs,
    externalId,
    retentionDays,
    hasMemberOus,
    hasMemberAccounts,
  };
}
