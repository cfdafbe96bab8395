/**
 * KeywardenMemberRole, the role the organization worker assumes in each member account, as the
 * CloudFormation template the KeywardenOrganization stack's StackSets deploy there. The template is
 * built with the CDK in an app of its own and synthesized to JSON, so it gets the same least-privilege
 * statements (src/infra/permissions.ts) and the same cdk-nag checks as every other role, and it has
 * no asset: a StackSet carries only its template body to the member accounts.
 *
 * - Trust: only the hub's worker role (the template's HubWorkerRoleArn parameter, which the StackSet
 *   fills in), with `sts:ExternalId` when ExternalId is not empty.
 * - Permissions: what the worker does in the account through it (memberRolePermissions), scoped to
 *   the account's own users and secrets, plus the explicit Deny on users carrying the exemption tag.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  App,
  Aws,
  CfnCondition,
  CfnParameter,
  DefaultStackSynthesizer,
  Fn,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { DEFAULT_MEMBER_ROLE_NAME } from '../core/deployment.js';
import type { Policy } from '../core/policy/types.js';
import { toPolicyStatement } from './handler-function.js';
import { acknowledgeWildcardResources, addNagChecks } from './nag.js';
import { memberRolePermissions } from './organization-permissions.js';
import {
  allowStatements,
  exemptTagDeny,
  parameterArn,
  type StatementSpec,
  secretKeyStatement,
} from './permissions.js';

/** The member template's parameters, which the StackSets set. */
export const MEMBER_TEMPLATE_PARAMETERS = {
  hubWorkerRoleArn: 'HubWorkerRoleArn',
  externalId: 'ExternalId',
} as const;

/** The statements KeywardenMemberRole holds under `policy`, in its own account. */
function memberRoleStatements(policy: Policy): StatementSpec[] {
  const pseudo = { partition: Aws.PARTITION, accountId: Aws.ACCOUNT_ID, region: Aws.REGION };
  const permissions = memberRolePermissions(policy);
  const exclusions = policy.exemptions.ssmParameter?.name;
  const allow = allowStatements(permissions, {
    ...pseudo,
    secretNamePrefix: policy.remediation.secretNamePrefix,
    parameterArns: exclusions ? [parameterArn(exclusions, pseudo)] : [],
    topicArns: [],
    emailFrom: null,
    journalTableArn: null,
  });
  const secretKey = secretKeyStatement(policy.remediation.secretKmsKeyId, pseudo);
  const deny = policy.exemptions.tag.enabled
    ? exemptTagDeny(permissions, policy.exemptions.tag.key, pseudo)
    : null;
  return [...allow, ...(secretKey ? [secretKey] : []), ...(deny ? [deny] : [])];
}

interface KeywardenMemberRoleStackProps extends StackProps {
  readonly policy: Policy;
}

/** The member account's stack: one role. Deployed by the StackSets, never by `cdk deploy`. */
class KeywardenMemberRoleStack extends Stack {
  readonly role: iam.CfnRole;
  readonly statements: readonly StatementSpec[];

  constructor(scope: Construct, id: string, props: KeywardenMemberRoleStackProps) {
    super(scope, id, {
      description:
        'Keywarden member role: lets the organization hub audit and remediate IAM user credentials in this account',
      // No bootstrap version parameter or rule: a StackSet instance has no CDK bootstrap to check.
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      ...props,
    });
    const hubWorkerRoleArn = new CfnParameter(this, MEMBER_TEMPLATE_PARAMETERS.hubWorkerRoleArn, {
      type: 'String',
      allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
      description: "The hub's org-worker role: the only principal that may assume this role.",
    });
    const externalId = new CfnParameter(this, MEMBER_TEMPLATE_PARAMETERS.externalId, {
      type: 'String',
      default: '',
      allowedPattern: '^$|^[\\w+=,.@:/-]{2,1224}$',
      description: 'Optional: the external id the hub must present (sts:ExternalId).',
    });
    const hasExternalId = new CfnCondition(this, 'HasExternalId', {
      expression: Fn.conditionNot(Fn.conditionEquals(externalId.valueAsString, '')),
    });
    this.statements = memberRoleStatements(props.policy);
    const document = new iam.PolicyDocument({ statements: this.statements.map(toPolicyStatement) });
    this.role = new iam.CfnRole(this, 'MemberRole', {
      roleName: DEFAULT_MEMBER_ROLE_NAME,
      description: 'Keywarden: assumed by the organization hub to audit and remediate IAM user credentials',
      maxSessionDuration: 3600,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'HubWorkerOnly',
            Effect: 'Allow',
            Principal: { AWS: hubWorkerRoleArn.valueAsString },
            Action: 'sts:AssumeRole',
            Condition: Fn.conditionIf(
              hasExternalId.logicalId,
              { StringEquals: { 'sts:ExternalId': externalId.valueAsString } },
              Aws.NO_VALUE,
            ),
          },
        ],
      },
      policies: [{ policyName: 'keywarden-member', policyDocument: document }],
    });
    acknowledgeWildcardResources(this.role, this.statements, props.policy.remediation.secretNamePrefix);
  }
}

export interface MemberTemplateOptions {
  /** cdk-nag's AwsSolutions checks on the member template. @default true */
  readonly nag?: boolean;
  /** aws-cdk-lib's built-in CloudFormation validation. @default true */
  readonly validation?: boolean;
}

/**
 * The member template as JSON text, synthesized in an app of its own (in a temporary folder,
 * removed afterwards). Throws when cdk-nag or the validation finds a problem.
 */
export function memberRoleTemplate(policy: Policy, options: MemberTemplateOptions = {}): string {
  const outdir = mkdtempSync(join(tmpdir(), 'keywarden-member-'));
  try {
    const app = new App({
      outdir,
      builtinCloudFormationValidation: options.validation ?? true,
      analyticsReporting: false,
    });
    const stack = new KeywardenMemberRoleStack(app, 'KeywardenMemberRole', { policy });
    if (options.nag ?? true) addNagChecks(app);
    const template: unknown = app.synth().getStackByName(stack.stackName).template;
    return JSON.stringify(template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
