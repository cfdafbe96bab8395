import { describe, expect, it } from 'vitest';
import type { AsffFinding } from '../../src/core/asff.js';
import { evaluateAccount } from '../../src/core/audit-account.js';
import { buildAuditReport } from '../../src/core/audit-summary.js';
import { addDays } from '../../src/core/days.js';
import { renderAsff, toAsff } from '../../src/report/asff.js';
import { ACCOUNT_ID, daysAgo, inventory, key, NOW, policy, root, user } from './builders.js';

const TOOL = { name: 'keywarden', version: '0.1.0' };
const REQUIRED = [
  'AwsAccountId',
  'CreatedAt',
  'Description',
  'GeneratorId',
  'Id',
  'ProductArn',
  'Resources',
  'SchemaVersion',
  'Severity',
  'Title',
  'Types',
  'UpdatedAt',
] as const;

/** alice: a 120-day-old key (KEY_ROTATION); bob: two same-second keys (ids unknown); vendor: exempt; root key. */
function findings(now = NOW): AsffFinding[] {
  const p = policy({ exemptions: { users: [{ name: 'vendor', reason: 'vendor rotates it' }] } });
  const inv = inventory({
    users: [
      user({ userName: 'alice', accessKeys: [key({ accessKeyId: 'AKIAALICE', createDate: daysAgo(120) })] }),
      user({
        userName: 'bob',
        accessKeys: [
          key({ accessKeyId: null, createDate: daysAgo(100) }),
          key({ slot: 2, accessKeyId: null, createDate: daysAgo(100) }),
        ],
      }),
      user({
        userName: 'vendor',
        accessKeys: [key({ accessKeyId: 'AKIAVENDOR', createDate: daysAgo(300) })],
      }),
    ],
    root: root({ accessKeys: [{ slot: 1, active: true, lastRotated: daysAgo(700), lastUsedDate: null }] }),
  });
  const report = buildAuditReport([evaluateAccount(inv, p, now)], p, now, TOOL);
  return toAsff(report, { region: 'eu-west-1' });
}

const byUser = (list: AsffFinding[], name: string) =>
  list.filter((f) => f.ProductFields['keywarden/FindingId']?.split('/')[1] === name);

describe('ASFF', () => {
  it('gives every finding every required field, in the shapes Security Hub takes', () => {
    for (const f of findings()) {
      for (const field of REQUIRED) expect(f[field], `${f.Id} ${field}`).toBeDefined();
      expect(f.SchemaVersion).toBe('2018-10-08');
      expect(f.AwsAccountId).toMatch(/^\d{12}$/);
      expect(f.Types).toEqual(['Software and Configuration Checks/AWS Security Best Practices']);
      expect(f.Title.length).toBeLessThanOrEqual(256);
      expect(f.Description.length).toBeGreaterThan(0);
      expect(f.Description.length).toBeLessThanOrEqual(1024);
      expect(f.Resources.length).toBeGreaterThan(0);
      expect(f.CreatedAt).toBe('2026-11-22T12:00:00.000Z');
      expect(f.RecordState).toBe('ACTIVE');
    }
  });

  it('names the default product of the account in the given region, and the rule as generator', () => {
    const [alice] = byUser(findings(), 'alice');
    expect(alice).toMatchObject({
      Id: `keywarden/${ACCOUNT_ID}/alice/KEY_ROTATION/AKIAALICE`,
      ProductArn: `arn:aws:securityhub:eu-west-1:${ACCOUNT_ID}:product/${ACCOUNT_ID}/default`,
      GeneratorId: 'keywarden/KEY_ROTATION',
      Title: 'Access keys rotated: alice',
      Description: 'Active access key AKIAALICE is 120 days old (max 90).',
      Compliance: { Status: 'FAILED' },
    });
  });

  it('follows Keywarden severity in Severity.Label and FindingProviderFields', () => {
    const list = findings();
    const label = (name: string, rule: string) =>
      list.find((f) => f.GeneratorId === `keywarden/${rule}` && byUser([f], name).length === 1)?.Severity
        .Label;
    expect(label('alice', 'KEY_ROTATION')).toBe('MEDIUM');
    expect(label('bob', 'MULTIPLE_ACTIVE_KEYS')).toBe('LOW');
    expect(label('<root_account>', 'ROOT_ACCESS_KEY')).toBe('CRITICAL');
    for (const f of list) expect(f.FindingProviderFields.Severity).toEqual(f.Severity);
  });

  it('names the IAM user and, when its id is known, the access key', () => {
    const list = findings();
    const [alice] = byUser(list, 'alice');
    expect(alice?.Resources).toEqual([
      {
        Type: 'AwsIamUser',
        Id: `arn:aws:iam::${ACCOUNT_ID}:user/alice`,
        Partition: 'aws',
        Region: 'eu-west-1',
        Details: { AwsIamUser: { UserName: 'alice' } },
      },
      {
        Type: 'AwsIamAccessKey',
        Id: 'AKIAALICE',
        Partition: 'aws',
        Region: 'eu-west-1',
        Details: {
          AwsIamAccessKey: {
            AccessKeyId: 'AKIAALICE',
            PrincipalName: 'alice',
            PrincipalType: 'IAMUser',
            AccountId: ACCOUNT_ID,
            Status: 'Active',
          },
        },
      },
    ]);
    // bob's keys share a creation second: no key id, so only the user is named
    for (const f of byUser(list, 'bob')) expect(f.Resources.map((r) => r.Type)).toEqual(['AwsIamUser']);
    const [rootFinding] = byUser(list, '<root_account>');
    expect(rootFinding?.Resources).toEqual([
      { Type: 'AwsAccount', Id: `AWS::::Account:${ACCOUNT_ID}`, Partition: 'aws', Region: 'eu-west-1' },
    ]);
  });

  it('leaves exempt findings out', () => {
    expect(byUser(findings(), 'vendor')).toEqual([]);
  });

  it('keeps ids stable from run to run', () => {
    const ids = (list: AsffFinding[]) => list.map((f) => f.Id).sort();
    const later = findings(addDays(NOW, 3));
    expect(ids(later)).toEqual(ids(findings()));
    expect(new Set(ids(later)).size).toBe(later.length);
  });

  it('renders the BatchImportFindings request body', () => {
    const p = policy();
    const inv = inventory({ users: [user({ accessKeys: [key({ createDate: daysAgo(100) })] })] });
    const text = renderAsff(buildAuditReport([evaluateAccount(inv, p, NOW)], p, NOW, TOOL), {
      region: 'us-east-1',
    });
    expect((JSON.parse(text) as { Findings: AsffFinding[] }).Findings).toHaveLength(1);
  });
});
