import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EncryptedTopic, type EncryptedTopicProps } from '../../src/infra/encrypted-topic.js';

const PROPS: EncryptedTopicProps = { displayName: 'Keywarden test', keyDescription: 'test key' };

function synth(props: EncryptedTopicProps) {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Test');
  new EncryptedTopic(stack, 'Topic', props);
  return Template.fromStack(stack);
}

/** Every Sid of the topic policy and the key policy. */
const sids = (template: Template) => {
  type Document = { Statement: { Sid?: string }[] };
  const json = template.toJSON() as {
    Resources: Record<
      string,
      { Type: string; Properties: { PolicyDocument?: Document; KeyPolicy?: Document } }
    >;
  };
  const documents = Object.values(json.Resources).flatMap((r): (Document | undefined)[] =>
    r.Type === 'AWS::SNS::TopicPolicy'
      ? [r.Properties.PolicyDocument]
      : r.Type === 'AWS::KMS::Key'
        ? [r.Properties.KeyPolicy]
        : [],
  );
  return documents.flatMap((d) => d?.Statement.map((s) => s.Sid ?? '') ?? []);
};

describe('EncryptedTopic', () => {
  it('lets only this account’s alarms publish by default', () => {
    const template = synth(PROPS);
    expect(sids(template)).toEqual(expect.arrayContaining(['AlarmsPublish', 'AlarmsEncrypt']));
    expect(sids(template).filter((sid) => sid.startsWith('Organization'))).toEqual([]);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: 'test key' });
  });

  it('adds the organization’s publishers, on the topic and on the key, when given', () => {
    const template = synth({ ...PROPS, publishersFromOrganization: 'o-abcdefghij' });
    expect(sids(template)).toEqual(
      expect.arrayContaining(['OrganizationPublish', 'OrganizationPublishEncrypt', 'AlarmsPublish']),
    );
    expect(JSON.stringify(template.toJSON())).toContain('"aws:PrincipalOrgID":"o-abcdefghij"');
  });

  it('refuses a display name SNS would refuse, showing its length', () => {
    expect(() => synth({ ...PROPS, displayName: '' })).toThrow(
      'EncryptedTopic Topic: displayName must be 1 to 100 characters (got 0)',
    );
    expect(() => synth({ ...PROPS, displayName: 'x'.repeat(101) })).toThrow(/got 101/);
  });
});
