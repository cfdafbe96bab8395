/**
 * The KeywardenOrganization template: what it creates, the state machine's Map (what a local run
 * cannot show: DISTRIBUTED mode, ToleratedFailurePercentage, ResultWriter), the member role the
 * StackSets install (trust, least privilege, the exempt-tag Deny), and the organization-only topic.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTION_PERMISSIONS } from '../../src/core/actions/registry.js';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';
import { buildApp } from '../../src/infra/app.js';
import { memberRolePermissions, orgHandlerPermissions } from '../../src/infra/organization-permissions.js';
import { ORGANIZATION_STATES } from '../../src/infra/organization-run.js';
import {
  actionsOf,
  type CfnResource,
  functionStatements,
  ORGANIZATION_PARAMETERS,
  policyFrom,
  resourceNamed,
  resourcesOf,
  type Statement,
} from './support.js';

const fast = (policy = DEFAULT_POLICY) => {
  const { organization } = buildApp({ policy, bundling: false, validation: false, nag: false });
  return { stack: organization, template: Template.fromStack(organization) };
};

let template: Template;
let memberTemplate: Template;
let definition: {
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
};
beforeAll(() => {
  const built = fast();
  template = built.template;
  memberTemplate = Template.fromJSON(JSON.parse(built.stack.memberTemplate) as Record<string, unknown>);
  // The definition with its tokens written as placeholders: the structure is what is asserted.
  const [, machine] = resourceNamed(template, 'AWS::StepFunctions::StateMachine', 'OrganizationRun');
  const join = machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  const text = join['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : JSON.stringify(JSON.stringify(part)).slice(1, -1)))
    .join('');
  definition = JSON.parse(
    text
      .replace(/"MaxConcurrency":(\{[^}]*\})/, '"MaxConcurrency":"$1"')
      .replace(/"toleratedFailurePercentage":(\{[^}]*\})/, '"toleratedFailurePercentage":"$1"'),
  );
});

describe('KeywardenOrganization resources', () => {
  it('creates the run, its storage, the member StackSets, the central topic and the aggregator', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::CloudFormation::StackSet', 2);
    template.resourceCountIs('AWS::Config::ConfigurationAggregator', 1);
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: { Ref: 'ScheduleExpression' },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^OrganizationRun') } })],
    });
    template.hasResourceProperties('AWS::Config::ConfigurationAggregator', {
      OrganizationAggregationSource: Match.objectLike({ AllAwsRegions: true }),
    });
  });

  it('documents every parameter and names them as docs/deploy.md does', () => {
    const parameters = template.toJSON().Parameters as Record<string, { Description?: string }>;
    const own = Object.keys(parameters).filter((p) => !p.startsWith('BootstrapVersion'));
    expect(own.sort()).toEqual([...ORGANIZATION_PARAMETERS].sort());
    for (const name of own) expect(parameters[name]?.Description, name).toBeTruthy();
  });

  it('keeps reports in an encrypted, private, SSL-only bucket that expires them', () => {
    const [id, bucket] = resourceNamed(template, 'AWS::S3::Bucket', 'Reports6');
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [expect.objectContaining({ ExpirationInDays: { Ref: 'ReportRetentionDays' } })],
      },
      LoggingConfiguration: expect.objectContaining({ LogFilePrefix: 'reports/' }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('the state machine', () => {
  it('lists, sets the run, fans out with a Distributed Map, then reports', () => {
    expect(definition.StartAt).toBe(ORGANIZATION_STATES.listAccounts);
    expect(definition.States[ORGANIZATION_STATES.listAccounts]?.Next).toBe(ORGANIZATION_STATES.settings);
    expect(definition.States[ORGANIZATION_STATES.settings]?.Next).toBe(ORGANIZATION_STATES.forEachAccount);
    expect(definition.States[ORGANIZATION_STATES.forEachAccount]?.Next).toBe(ORGANIZATION_STATES.report);
    expect(definition.States[ORGANIZATION_STATES.report]?.End).toBe(true);
  });

  it('runs the Map DISTRIBUTED, with the parameters for MaxConcurrency and ToleratedFailurePercentage', () => {
    const map = definition.States[ORGANIZATION_STATES.forEachAccount] as Record<string, unknown>;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.accounts',
      ItemSelector: { 'accountId.$': '$$.Map.Item.Value.accountId', 'runId.$': '$.runId' },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      MaxConcurrency: JSON.stringify({ Ref: 'MaxConcurrency' }),
      ToleratedFailurePercentagePath: '$.settings.toleratedFailurePercentage',
      // The results go to S3 and the state keeps only the account list: the payload limit is never near.
      ResultPath: null,
      ResultWriter: {
        Resource: expect.stringMatching(/:states:::s3:putObject$/),
        Parameters: { Bucket: expect.stringMatching(/"Ref":"Reports/), Prefix: 'map-results' },
      },
    });
    expect(definition.States[ORGANIZATION_STATES.settings]).toMatchObject({
      Type: 'Pass',
      Result: { toleratedFailurePercentage: JSON.stringify({ Ref: 'ToleratedFailurePercentage' }) },
      ResultPath: '$.settings',
    });
  });

  it("catches every failure of the worker inside the Map, so an account's failure never fails the run", () => {
    const processor = (
      definition.States[ORGANIZATION_STATES.forEachAccount] as { ItemProcessor: typeof definition }
    ).ItemProcessor;
    expect(processor.StartAt).toBe(ORGANIZATION_STATES.worker);
    expect(processor.States[ORGANIZATION_STATES.worker]?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: ORGANIZATION_STATES.accountFailed },
    ]);
    expect(processor.States[ORGANIZATION_STATES.accountFailed]).toMatchObject({
      Type: 'Pass',
      Parameters: { 'accountId.$': '$.accountId', status: 'error' },
      End: true,
    });
  });

  it('logs and traces every execution', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
  });
});

describe('the handlers’ roles', () => {
  const allowed = (id: string) =>
    functionStatements(template, id)
      .filter((s) => s.Effect === 'Allow')
      .flatMap(actionsOf);

  it('lets org-accounts only list the organization', () => {
    expect(
      allowed('OrgAccounts')
        .filter((a) => !a.startsWith('logs:'))
        .sort(),
    ).toEqual([
      'organizations:ListAccounts',
      'organizations:ListAccountsForParent',
      'organizations:ListChildren',
      'sts:GetCallerIdentity',
    ]);
  });

  it('lets the worker assume only KeywardenMemberRole, and change no IAM user itself', () => {
    const statements = functionStatements(template, 'OrgWorker');
    const assume = statements.find((s) => actionsOf(s).includes('sts:AssumeRole')) as Statement;
    expect(assume.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/KeywardenMemberRole']],
    });
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('iam:') || a.startsWith('secretsmanager:'))).toEqual([]);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 's3:PutObject', 'sns:Publish', 'kms:GenerateDataKey']),
    );
    expect(actions).not.toContain('s3:GetObject');
  });

  it('lets org-report read and write the reports and publish, nothing in IAM', () => {
    expect(
      orgHandlerPermissions('org-report', DEFAULT_POLICY, 'arn:aws:sns:us-east-1:111122223333:t'),
    ).toEqual([
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'sns:Publish',
      'ssm:GetParameter',
      'sts:GetCallerIdentity',
    ]);
  });
});

/** The statements of the member role's one inline policy. */
function memberStatements(): Statement[] {
  const [role] = Object.values(resourcesOf(memberTemplate, 'AWS::IAM::Role'));
  const policies = role?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies[0]?.PolicyDocument.Statement ?? [];
}

describe('KeywardenMemberRole (the StackSets’ template)', () => {
  it('is deployed by a service-managed StackSet to the chosen OUs, automatically, and a self-managed one to listed accounts', () => {
    const stackSets = Object.values(resourcesOf(template, 'AWS::CloudFormation::StackSet'));
    const managed = stackSets.find((s) => s.Properties.PermissionModel === 'SERVICE_MANAGED') as CfnResource;
    expect(managed.Condition).toBe('HasMemberOrganizationalUnits');
    expect(managed.Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true },
      CallAs: { Ref: 'StackSetCallAs' },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: { Ref: 'MemberOrganizationalUnitIds' } },
          Regions: [{ Ref: 'AWS::Region' }],
        },
      ],
      Parameters: expect.arrayContaining([
        {
          ParameterKey: 'HubWorkerRoleArn',
          ParameterValue: { 'Fn::GetAtt': [expect.stringMatching(/^OrgWorkerRole/), 'Arn'] },
        },
        { ParameterKey: 'ExternalId', ParameterValue: { Ref: 'MemberExternalId' } },
      ]),
    });
    const self = stackSets.find((s) => s.Properties.PermissionModel === 'SELF_MANAGED');
    expect(self?.Condition).toBe('HasMemberAccounts');
    expect(self?.Properties.StackInstancesGroup).toEqual([
      { DeploymentTargets: { Accounts: { Ref: 'MemberAccountIds' } }, Regions: [{ Ref: 'AWS::Region' }] },
    ]);
    expect(managed.Properties.TemplateBody).toBe(self?.Properties.TemplateBody);
  });

  it('trusts only the hub worker role, with the external id when one is set', () => {
    memberTemplate.resourceCountIs('AWS::IAM::Role', 1);
    memberTemplate.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'KeywardenMemberRole',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Sid: 'HubWorkerOnly',
            Effect: 'Allow',
            Principal: { AWS: { Ref: 'HubWorkerRoleArn' } },
            Action: 'sts:AssumeRole',
            Condition: {
              'Fn::If': [
                'HasExternalId',
                { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
                { Ref: 'AWS::NoValue' },
              ],
            },
          },
        ],
      },
    });
    // No bootstrap version to check in a StackSet instance, no asset.
    expect(Object.keys(memberTemplate.toJSON().Parameters ?? {}).sort()).toEqual([
      'ExternalId',
      'HubWorkerRoleArn',
    ]);
    expect(memberTemplate.toJSON().Rules).toBeUndefined();
  });

  it('holds what the worker does in the account, and no hub resource', () => {
    const statements = memberStatements();
    const allowedActions = statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
    expect(new Set(allowedActions)).toEqual(new Set(memberRolePermissions(DEFAULT_POLICY)));
    expect(allowedActions).toEqual(expect.arrayContaining(Object.values(ACTION_PERMISSIONS).flat()));
    expect(allowedActions.filter((a) => /^(dynamodb|s3|sns|organizations|sts:AssumeRole)/.test(a))).toEqual(
      [],
    );
  });

  it('carries the Deny on users tagged exempt, for every change it can make', () => {
    const statements = memberStatements();
    const deny = statements.find((s) => s.Effect === 'Deny');
    expect(deny?.Condition).toEqual({
      Null: { [`aws:ResourceTag/${DEFAULT_POLICY.exemptions.tag.key}`]: 'false' },
    });
    // Every IAM user change the member role can make: the remediation's.
    const changes = memberRolePermissions(DEFAULT_POLICY).filter((p) =>
      /^iam:(CreateAccessKey|UpdateAccessKey|DeleteAccessKey|DeleteLoginProfile)$/.test(p),
    );
    expect(changes.length).toBeGreaterThan(0);
    expect(actionsOf(deny as Statement).sort()).toEqual(changes.sort());
  });

  it('reads the exclusion list in its own account only when the policy names one', () => {
    const policy = policyFrom(`
version: 1
exemptions:
  ssmParameter: { name: /cleanup/excluded-users, reason: listed }
`);
    expect(memberRolePermissions(policy)).toContain('ssm:GetParameter');
    expect(memberRolePermissions(DEFAULT_POLICY)).not.toContain('ssm:GetParameter');
  });
});

describe('the central topic', () => {
  it('lets only principals of the organization publish, and use the key only through SNS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'OrganizationPublish',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'OrganizationPublishEncrypt',
            Principal: { AWS: '*' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: {
              StringEquals: {
                'aws:PrincipalOrgID': { Ref: 'OrganizationId' },
                'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
              },
            },
          }),
        ]),
      },
    });
    // Every statement open to any principal is bound to the organization.
    const policies = [
      ...Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy')).map(
        (p) => p.Properties.PolicyDocument,
      ),
      ...Object.values(resourcesOf(template, 'AWS::KMS::Key')).map((k) => k.Properties.KeyPolicy),
    ] as { Statement: (Statement & { Principal?: unknown })[] }[];
    for (const statement of policies.flatMap((p) => p.Statement)) {
      if (
        JSON.stringify(statement.Principal) !== JSON.stringify({ AWS: '*' }) ||
        statement.Effect !== 'Allow'
      )
        continue;
      expect(JSON.stringify(statement.Condition)).toContain('aws:PrincipalOrgID');
    }
  });
});
