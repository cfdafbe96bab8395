import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';
import { buildApp } from '../../src/infra/app.js';
import { policyFrom } from './support.js';

const fast = (policy = DEFAULT_POLICY) => buildApp({ policy, bundling: false, validation: false, nag: true });

/** Every acknowledgment recorded in the app: [construct path, rule id, reason]. */
function acknowledgments(app: ReturnType<typeof fast>['app']): [string, string, string][] {
  return app.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(
            ([id, reason]) => [c.node.path, id, reason] as [string, string, string],
          ),
        ),
    );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in any stack (the member role template included)', () => {
    expect(() => fast().app.synth()).not.toThrow();
  });

  it('stays clean with the revoke runbook paired with ACCESS_KEYS_ROTATED (the explicit choice)', () => {
    const app = buildApp({
      policy: DEFAULT_POLICY,
      bundling: false,
      validation: false,
      nag: true,
      accessKeysRotatedRemediation: 'revoke-unused-credentials',
    });
    expect(() => app.app.synth()).not.toThrow();
  });

  it('stays clean for a policy that names parameters, channels and every user rule', () => {
    const policy = policyFrom(`
version: 1
rules:
  CONSOLE_WITHOUT_MFA: { enabled: true }
exemptions:
  ssmParameter: { name: /cleanup/excluded-users, reason: listed }
remediation: { secretKmsKeyId: alias/keywarden-secrets }
notifications:
  sns: { topicArn: "arn:aws:sns:eu-west-1:444455556666:security" }
  email: { from: "keywarden@example.com" }
  slack: { webhookUrlSsmParameter: /keywarden/slack }
`);
    expect(() => fast(policy).app.synth()).not.toThrow();
  });

  it('acknowledges only single IAM5 findings on the policies that raise them, each with a reason', () => {
    const acks = acknowledgments(fast().app);
    expect(acks.length).toBeGreaterThan(0);
    for (const [path, id, reason] of acks) {
      expect(id, path).toMatch(/^AwsSolutions::AwsSolutions-IAM5\[Resource::.+\]$/);
      expect(reason.length, id).toBeGreaterThan(30);
      expect(path).toMatch(
        /^KeywardenAccount\/\w+\/Permissions$|^KeywardenAwsNative\/Rules\/AutomationRole$|^KeywardenOrganization\/(Org\w+\/Permissions|OrganizationRun|ConfigAggregatorRole)$/,
      );
    }
  });

  it('really runs: a wildcard grant nobody acknowledged fails the synth', () => {
    const { app, account } = fast();
    account.functions.scheduled.permissions.addStatements(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::arn:aws:s3:::bucket\/\*\]/);
  });
});
