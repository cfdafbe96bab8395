import { describe, expect, it } from 'vitest';
import { LIVE_INVENTORY_PERMISSIONS, POLICY_PARAMETER_PERMISSIONS } from '../../src/aws/permissions.js';
import { ACTION_PERMISSIONS } from '../../src/core/actions/registry.js';
import type { Permission } from '../../src/core/permission.js';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';
import { PERMISSION_GROUPS } from '../../src/engine/permissions.js';
import {
  HANDLER_NAMES,
  handlerPermissions,
  JOURNAL_TABLE_PERMISSIONS,
} from '../../src/infra/handler-permissions.js';
import {
  allowStatements,
  exemptTagDeny,
  parameterArn,
  policyParameterNames,
  type ScopeResources,
  scopeOf,
  secretKeyStatement,
} from '../../src/infra/permissions.js';
import { policyFrom } from './support.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:keywarden';
const RESOURCES: ScopeResources = {
  partition: 'aws',
  accountId: '111122223333',
  region: 'us-east-1',
  secretNamePrefix: 'keywarden',
  parameterArns: ['arn:aws:ssm:us-east-1:111122223333:parameter/keywarden/policy'],
  topicArns: [TOPIC],
  emailFrom: 'Keywarden <keywarden@example.com>',
  journalTableArn: 'arn:aws:dynamodb:us-east-1:111122223333:table/keywarden',
};

/** What `run` throws, or undefined. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** The IAM user changes among `permissions`: what the exemption tag's Deny names. */
const userChanges = (permissions: readonly Permission[]) =>
  exemptTagDeny(permissions, 'keywarden:exempt', RESOURCES)?.actions ?? [];

describe('PERMISSION_SCOPES', () => {
  it('scopes every permission Keywarden declares and every permission a handler adds', () => {
    // Prepare
    const declared = [...PERMISSION_GROUPS.flatMap((g) => g.permissions), ...JOURNAL_TABLE_PERMISSIONS];

    // Assess
    expect(declared.filter((p) => thrownBy(() => scopeOf(p)) !== undefined)).toEqual([]);
  });

  it('stops the synth on a permission nobody scoped, naming it and where to add it', () => {
    expect(() => allowStatements(['iam:ListRoles' as Permission], RESOURCES)).toThrow(
      /iam:ListRoles has no resource scope: add it to PERMISSION_SCOPES/,
    );
  });
});

describe('handlerPermissions', () => {
  it('gives scheduled and remediate every action, the journal and the policy parameter', () => {
    for (const handler of ['scheduled', 'remediate'] as const) {
      const permissions = handlerPermissions(handler, DEFAULT_POLICY, TOPIC);
      expect(permissions).toEqual(expect.arrayContaining(Object.values(ACTION_PERMISSIONS).flat()));
      expect(permissions).toEqual(
        expect.arrayContaining([...JOURNAL_TABLE_PERMISSIONS, ...POLICY_PARAMETER_PERMISSIONS]),
      );
      // The stack's topic is always a channel.
      expect(permissions).toContain('sns:Publish');
      expect(permissions).not.toContain('config:PutEvaluations');
    }
  });

  it('lets both read users live (and find one by id) whatever the policy’s inventory mode', () => {
    for (const handler of ['scheduled', 'remediate'] as const) {
      expect(handlerPermissions(handler, DEFAULT_POLICY, TOPIC)).toEqual(
        expect.arrayContaining([...LIVE_INVENTORY_PERMISSIONS]),
      );
    }
  });

  it('gives the Config rule reads and PutEvaluations only: it changes nothing and only reads the journal', () => {
    const permissions = handlerPermissions('config-rule', DEFAULT_POLICY, TOPIC);
    expect(userChanges(permissions)).toEqual([]);
    expect(permissions).toContain('config:PutEvaluations');
    expect(permissions.filter((p) => p.startsWith('dynamodb:'))).toEqual([
      'dynamodb:DescribeTable',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    expect(permissions.filter((p) => p.startsWith('secretsmanager:'))).toEqual([]);
    expect(permissions).not.toContain('sns:Publish');
  });

  it('grants sts:AssumeRole only on the member role a stack names, never on *', () => {
    expect(() => allowStatements(['sts:AssumeRole'], RESOURCES)).toThrow(/a member account role/);
    const memberRoleArn = 'arn:aws:iam::*:role/KeywardenMemberRole';
    const [statement] = allowStatements(['sts:AssumeRole'], { ...RESOURCES, memberRoleArn });
    expect(statement?.resources).toEqual([memberRoleArn]);
  });

  it('adds the channels a policy configures', () => {
    const policy = policyFrom(`
version: 1
notifications:
  email: { from: "keywarden@example.com" }
  slack: { webhookUrlSsmParameter: /keywarden/slack }
`);
    const permissions = handlerPermissions('scheduled', policy, TOPIC);
    expect(permissions).toEqual(expect.arrayContaining(['ses:SendEmail', 'ssm:GetParameter', 'sns:Publish']));
    expect(HANDLER_NAMES).toEqual(['scheduled', 'config-rule', 'remediate']);
  });
});

describe('allowStatements', () => {
  it('groups permissions by what they act on, each with the narrowest resource', () => {
    // Act
    const statements = allowStatements(handlerPermissions('scheduled', DEFAULT_POLICY, TOPIC), RESOURCES);

    // Assess
    const bySid = Object.fromEntries(statements.map((s) => [s.sid, s]));
    expect(bySid.IamUsers?.resources).toEqual(['arn:aws:iam::111122223333:user/*']);
    expect(bySid.IamUsers?.actions).toEqual(
      expect.arrayContaining(['iam:CreateAccessKey', 'iam:UpdateAccessKey']),
    );
    expect(bySid.AccountLevelReads?.resources).toEqual(['*']);
    expect(bySid.AccountLevelReads?.actions).toEqual(
      expect.arrayContaining(['iam:ListUsers', 'iam:GetAccountSummary', 'sts:GetCallerIdentity']),
    );
    expect(bySid.AccountLevelReads?.actions).not.toContain('iam:CreateAccessKey');
    expect(bySid.ReplacementKeySecrets?.resources).toEqual([
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:keywarden/*',
    ]);
    expect(bySid.NotificationTopics?.resources).toEqual([TOPIC]);
    expect(bySid.JournalTable?.resources).toEqual([RESOURCES.journalTableArn]);
    expect(bySid.Parameters?.resources).toEqual(RESOURCES.parameterArns);
    expect(statements.every((s) => s.effect === 'Allow')).toBe(true);
  });

  it('names the email sender and its domain as SES identities', () => {
    const [statement] = allowStatements(['ses:SendEmail'], RESOURCES);
    expect(statement?.resources).toEqual([
      'arn:aws:ses:us-east-1:111122223333:identity/keywarden@example.com',
      'arn:aws:ses:us-east-1:111122223333:identity/example.com',
    ]);
  });

  it('refuses a scope the stack gave no resource for', () => {
    expect(thrownBy(() => allowStatements(['sns:Publish'], { ...RESOURCES, topicArns: [] }))).toMatchObject({
      name: 'PermissionScopeError',
    });
  });
});

describe('exemptTagDeny', () => {
  it('denies every user change the role could make on users that carry the tag, whatever its value', () => {
    // Act
    const deny = exemptTagDeny(
      handlerPermissions('scheduled', DEFAULT_POLICY, TOPIC),
      'keywarden:exempt',
      RESOURCES,
    );

    // Assess
    expect(deny).toEqual({
      sid: 'DenyChangesToExemptUsers',
      effect: 'Deny',
      actions: [
        'iam:CreateAccessKey',
        'iam:DeleteAccessKey',
        'iam:DeleteLoginProfile',
        'iam:UpdateAccessKey',
      ],
      resources: ['arn:aws:iam::111122223333:user/*'],
      conditions: { Null: { 'aws:ResourceTag/keywarden:exempt': 'false' } },
    });
  });

  it('is not needed by a role that changes no user', () => {
    expect(
      exemptTagDeny(handlerPermissions('config-rule', DEFAULT_POLICY, TOPIC), 'x', RESOURCES),
    ).toBeNull();
  });

  it('counts only IAM user writes as changes', () => {
    expect(
      userChanges([
        'iam:UpdateAccessKey',
        'iam:DeleteLoginProfile',
        'iam:ListAccessKeys',
        'iam:GetAccessKeyLastUsed',
        'iam:GenerateCredentialReport',
        'secretsmanager:CreateSecret',
      ]),
    ).toEqual(['iam:DeleteLoginProfile', 'iam:UpdateAccessKey']);
  });
});

describe('parameters', () => {
  it('turns a parameter name into its ARN, with or without the leading slash, and keeps an ARN', () => {
    expect(parameterArn('/iam/excluded', RESOURCES)).toBe(
      'arn:aws:ssm:us-east-1:111122223333:parameter/iam/excluded',
    );
    expect(parameterArn('excluded', RESOURCES)).toBe('arn:aws:ssm:us-east-1:111122223333:parameter/excluded');
    const shared = 'arn:aws:ssm:eu-west-1:444455556666:parameter/shared';
    expect(parameterArn(shared, RESOURCES)).toBe(shared);
  });

  it('lists the parameters a policy makes Keywarden read', () => {
    expect(policyParameterNames(DEFAULT_POLICY)).toEqual([]);
    const policy = policyFrom(`
version: 1
exemptions:
  ssmParameter: { name: /cleanup/excluded-users, reason: listed }
notifications:
  slack: { webhookUrlSsmParameter: /keywarden/slack }
`);
    expect(policyParameterNames(policy)).toEqual(['/cleanup/excluded-users', '/keywarden/slack']);
  });
});

describe('secretKeyStatement', () => {
  it('needs nothing for the AWS managed key', () => {
    expect(secretKeyStatement(null, RESOURCES)).toBeNull();
  });

  it('grants the customer managed key the secrets are encrypted with, by id or ARN', () => {
    const id = '1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(secretKeyStatement(id, RESOURCES)).toEqual({
      sid: 'ReplacementKeySecretsKey',
      effect: 'Allow',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [`arn:aws:kms:us-east-1:111122223333:key/${id}`],
    });
    const arn = `arn:aws:kms:eu-west-1:444455556666:key/${id}`;
    expect(secretKeyStatement(arn, RESOURCES)?.resources).toEqual([arn]);
  });

  it('turns an alias into a condition on the keys that carry it', () => {
    for (const alias of ['alias/keywarden', 'arn:aws:kms:us-east-1:111122223333:alias/keywarden']) {
      expect(secretKeyStatement(alias, RESOURCES)).toMatchObject({
        resources: ['arn:aws:kms:us-east-1:111122223333:key/*'],
        conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/keywarden' } },
      });
    }
  });
});
