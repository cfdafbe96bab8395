import { describe, expect, it } from 'vitest';
import { journalFactsFrom } from '../../src/core/plan/facts.js';
import { actionId, secretNameFor } from '../../src/core/plan/ids.js';
import { DEFAULT_POLICY_YAML } from '../../src/core/policy/init-text.js';
import { parsePolicy, resolvePolicy } from '../../src/core/policy/resolve.js';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';

const SOURCE = 'keywarden.yaml';

describe('policy: remediation section', () => {
  it('defaults to the recommended mode', () => {
    expect(DEFAULT_POLICY.remediation).toEqual({
      mode: 'recommended',
      maxActions: 50,
      secretNamePrefix: 'keywarden',
      ownerTag: 'keywarden:owner',
      secretKmsKeyId: null,
      secretTags: { 'managed-by': 'keywarden' },
    });
    expect(DEFAULT_POLICY_YAML).toContain('remediation:');
  });

  it.each([
    { preset: 'aws-config', mode: 'runbook', schedule: [90, 104, 118, 7] },
    { preset: 'cis', mode: 'recommended', schedule: [90, 104, 118, 7] },
    { preset: 'rotation-165-180-185', mode: 'recommended', schedule: [165, 180, 185, 10] },
  ])('preset $preset: mode $mode, schedule $schedule', ({ preset, mode, schedule }) => {
    // Act
    const p = resolvePolicy({ preset }).value;
    // Assess
    expect(p?.remediation.mode).toBe(mode);
    const r = p?.rotation;
    expect([r?.rotateAfterDays, r?.deactivateAfterDays, r?.deleteAfterDays, r?.inUseGraceDays]).toEqual(
      schedule,
    );
  });

  it('a file overrides the preset, field by field', () => {
    const text = [
      'version: 1',
      'preset: aws-config',
      'remediation: { mode: recommended, maxActions: 10, secretNamePrefix: corp/iam-keys, ownerTag: "team:owner" }',
    ].join('\n');
    expect(parsePolicy(text, SOURCE).value?.remediation).toEqual({
      mode: 'recommended',
      maxActions: 10,
      secretNamePrefix: 'corp/iam-keys',
      ownerTag: 'team:owner',
      secretKmsKeyId: null,
      secretTags: { 'managed-by': 'keywarden' },
    });
  });

  it.each([
    {
      yaml: 'remediation: { mode: auto }',
      error: `${SOURCE}: remediation.mode: must be one of: recommended, runbook (got "auto")`,
    },
    {
      yaml: 'remediation: { maxActions: 0 }',
      error: `${SOURCE}: remediation.maxActions: must be an integer from 1 to 10000 (got 0)`,
    },
    {
      yaml: 'remediation: { secretNamePrefix: /keys }',
      error: 'remediation.secretNamePrefix: must be 1 to 256',
    },
    { yaml: 'remediation: { secretNamePrefix: keys/ }', error: '(got "keys/")' },
    { yaml: 'remediation: { secretNamePrefix: "my keys" }', error: '(got "my keys")' },
    { yaml: 'remediation: { ownerTag: "" }', error: 'remediation.ownerTag: must be an IAM tag key' },
    { yaml: 'remediation: { maxAction: 5 }', error: 'remediation.maxAction: unknown key' },
  ])('rejects $yaml', ({ yaml, error }) => {
    // Act
    const result = parsePolicy(`version: 1\n${yaml}\n`, SOURCE);
    // Assess
    expect(result.value).toBeNull();
    expect(result.errors.join('\n')).toContain(error);
  });
});

describe('plan ids and secret names', () => {
  it('builds ids from account, user, subject, type and stage', () => {
    expect(actionId('111111111111', 'alice', 'AKIA1', 'deactivate-key', 'deactivate')).toBe(
      '111111111111/alice/AKIA1/deactivate-key/deactivate',
    );
  });

  it.each([
    { userName: 'alice.smith+ci@corp', secret: 'keywarden/111111111111/alice.smith+ci@corp' },
    { userName: 'a,b', secret: null },
  ])('secret name for $userName', ({ userName, secret }) => {
    expect(secretNameFor('keywarden', '111111111111', userName)).toBe(secret);
  });
});

describe('journalFactsFrom', () => {
  it('looks facts up by account and key id, and notifications by id', () => {
    const facts = journalFactsFrom({
      inactiveSince: { '111111111111/AKIA1': '2026-11-01T00:00:00Z' },
      notified: ['x/notify/warn'],
    });
    expect(facts.inactiveSince('111111111111', 'AKIA1')?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(facts.inactiveSince('222222222222', 'AKIA1')).toBeNull();
    expect([facts.notified('x/notify/warn'), facts.notified('y')]).toEqual([true, false]);
  });

  it('refuses a timestamp it cannot read', () => {
    expect(() => journalFactsFrom({ inactiveSince: { '1/AKIA1': 'yesterday' } })).toThrow(
      /inactiveSince\["1\/AKIA1"\] is not a timestamp \(got "yesterday"\)/,
    );
  });
});

describe('policy: notifications section', () => {
  it('is off by default', () => {
    expect(DEFAULT_POLICY.notifications).toEqual({
      securityTeamEmail: null,
      sns: null,
      slack: null,
      email: null,
    });
  });

  it('reads every channel', () => {
    const text = [
      'version: 1',
      'notifications:',
      '  securityTeamEmail: security@example.com',
      '  sns: { topicArn: "arn:aws:sns:us-east-1:111111111111:keywarden-security" }',
      '  slack: { webhookUrlEnv: KEYWARDEN_SLACK_WEBHOOK_URL }',
      '  email: { from: keywarden@example.com }',
    ].join('\n');
    expect(parsePolicy(text, SOURCE).value?.notifications).toEqual({
      securityTeamEmail: 'security@example.com',
      sns: { topicArn: 'arn:aws:sns:us-east-1:111111111111:keywarden-security' },
      slack: { webhookUrlEnv: 'KEYWARDEN_SLACK_WEBHOOK_URL', webhookUrlSsmParameter: null },
      email: { from: 'keywarden@example.com' },
    });
  });

  it.each([
    [
      'a webhook URL in the file',
      'slack: { webhookUrl: "https://hooks.slack.com/x" }',
      /notifications\.slack\.webhookUrl: unknown key/,
    ],
    [
      'both webhook sources',
      'slack: { webhookUrlEnv: A, webhookUrlSsmParameter: /b }',
      /exactly one of webhookUrlEnv or webhookUrlSsmParameter/,
    ],
    [
      'a bad topic ARN',
      'sns: { topicArn: "keywarden-security" }',
      /notifications\.sns\.topicArn: must be an SNS topic ARN/,
    ],
    [
      'a bad email',
      'securityTeamEmail: security',
      /notifications\.securityTeamEmail: must be an email address/,
    ],
  ])('rejects %s', (_name, line, message) => {
    const result = parsePolicy(`version: 1\nnotifications:\n  ${line}\n`, SOURCE);
    expect(result.value).toBeNull();
    expect(result.errors.join('\n')).toMatch(message);
  });
});
