/**
 * The StackSets that install KeywardenMemberRole (organization-member-role.ts) in the member
 * accounts: a service-managed one for the chosen OUs, with automatic deployment to accounts that join
 * later, and a self-managed one for listed accounts (the management account among them). Each exists
 * only when its targets were given. Declared in the stack's own scope, so their logical ids
 * (MemberRoles, MemberRolesSelfManaged) are those they always had.
 */
import { Aws, type CfnCondition, CfnStackSet } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { MEMBER_TEMPLATE_PARAMETERS } from './organization-member-role.js';

export interface MemberRoleStackSetsProps {
  /** The member role's template (memberRoleTemplate). */
  readonly templateBody: string;
  /** The only principal the member role trusts: the hub's org-worker role. */
  readonly workerRoleArn: string;
  /** The external id the member role's trust requires; empty for none (a parameter's token). */
  readonly externalId: string;
  /** SELF or DELEGATED_ADMIN (a parameter's token). */
  readonly callAs: string;
  /** The OUs or roots of the service-managed StackSet (a parameter's token). */
  readonly memberOus: string[];
  /** The accounts of the self-managed StackSet (a parameter's token). */
  readonly memberAccounts: string[];
  /** The service-managed StackSet exists only under this condition. */
  readonly hasMemberOus: CfnCondition;
  /** The self-managed StackSet exists only under this condition. */
  readonly hasMemberAccounts: CfnCondition;
}

export interface MemberRoleStackSets {
  readonly serviceManaged: CfnStackSet;
  readonly selfManaged: CfnStackSet;
}

/** Declares the two member-role StackSets in `scope` (the stack). */
export function memberRoleStackSets(scope: Construct, props: MemberRoleStackSetsProps): MemberRoleStackSets {
  const memberParameters = [
    { parameterKey: MEMBER_TEMPLATE_PARAMETERS.hubWorkerRoleArn, parameterValue: props.workerRoleArn },
    { parameterKey: MEMBER_TEMPLATE_PARAMETERS.externalId, parameterValue: props.externalId },
  ];
  const operationPreferences = {
    failureTolerancePercentage: 10,
    maxConcurrentPercentage: 25,
    regionConcurrencyType: 'PARALLEL',
  };
  const serviceManaged = new CfnStackSet(scope, 'MemberRoles', {
    stackSetName: `${Aws.STACK_NAME}-member-role`,
    description: 'Keywarden: KeywardenMemberRole in the accounts of the chosen OUs (automatic deployment)',
    permissionModel: 'SERVICE_MANAGED',
    autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
    callAs: props.callAs,
    capabilities: ['CAPABILITY_NAMED_IAM'],
    managedExecution: { Active: true },
    operationPreferences,
    parameters: memberParameters,
    // IAM is global: one stack instance per account, in the hub's region.
    stackInstancesGroup: [
      { deploymentTargets: { organizationalUnitIds: props.memberOus }, regions: [Aws.REGION] },
    ],
    templateBody: props.templateBody,
  });
  serviceManaged.cfnOptions.condition = props.hasMemberOus;
  const selfManaged = new CfnStackSet(scope, 'MemberRolesSelfManaged', {
    stackSetName: `${Aws.STACK_NAME}-member-role-self-managed`,
    description: 'Keywarden: KeywardenMemberRole in the listed accounts (self-managed StackSet)',
    permissionModel: 'SELF_MANAGED',
    capabilities: ['CAPABILITY_NAMED_IAM'],
    managedExecution: { Active: true },
    operationPreferences,
    parameters: memberParameters,
    stackInstancesGroup: [{ deploymentTargets: { accounts: props.memberAccounts }, regions: [Aws.REGION] }],
    templateBody: props.templateBody,
  });
  selfManaged.cfnOptions.condition = props.hasMemberAccounts;
  return { serviceManaged, selfManaged };
}
