import { describe, expect, it } from 'vitest';
import { type AsffFinding, securityControlId } from '../../src/core/asff.js';
import { evaluateAccount } from '../../src/core/audit-account.js';
import type { AuditReport } from '../../src/core/audit-report.js';
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

const BASE_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';
const CIS_TYPE =
  'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark';
const NIST_TYPE =
  'Software and Configuration Checks/Industry and Regulatory Standards/NIST 800-53 Controls (USA)';

/** alice: a 120-day-old key (KEY_ROTATION); bob: two same-second keys (ids unknown); vendor: exempt; root key. */
function findings(now = NOW): AsffFinding[] {
  return toAsff(auditReport(now), { region: 'eu-west-1' });
}

function auditReport(now = NOW): AuditReport {
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
  return buildAuditReport([evaluateAccount(inv, p, now)], p, now, TOOL);
}

const byUser = (list: AsffFinding[], name: string) =>
  list.filter((f) => f.ProductFields['keywarden/FindingId']?.split('/')[1] === name);

describe('ASFF', () => {
  it('gives every finding every required field, in the shapes Security Hub takes', () => {
    for (const f of findings()) {
      for (const field of REQUIRED) expect(f[field], `${f.Id} ${field}`).toBeDefined();
      expect(f.SchemaVersion).toBe('2018-10-08');
      expect(f.AwsAccountId).toMatch(/^\d{12}$/);
      expect(f.Types[0]).toBe(BASE_TYPE);
      expect(f.FindingProviderFields.Types).toEqual(f.Types);
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

  it('sends an exempt finding as WARNING, with its exemption as the reason', () => {
    const [vendor] = byUser(findings(), 'vendor');
    expect(vendor?.RecordState).toBe('ACTIVE');
    expect(vendor?.Compliance.Status).toBe('WARNING');
    expect(vendor?.Compliance.StatusReasons).toEqual([
      { ReasonCode: 'KEYWARDEN_EXEMPT', Description: 'Exempt (exemptions.users[0]): vendor rotates it' },
    ]);
    // The open ones are FAILED, with no reason
    for (const f of findings().filter((x) => x !== vendor && byUser([x], 'vendor').length === 0)) {
      expect(f.Compliance.Status).toBe('FAILED');
      expect(f.Compliance.StatusReasons).toBeUndefined();
    }
  });

  it('sends a finding of a rotation in progress as WARNING, naming the rotation', () => {
    // Prepare: alice's finding is what a rotation in progress makes expected
    const report = auditReport();
    const rotating = {
      ...report,
      findings: report.findings.map((f) =>
        f.userName === 'alice'
          ? {
              ...f,
              rotationInProgress: {
                runId: 'run-1',
                newAccessKeyId: 'AKIANEW',
                deactivateFrom: '2026-11-29T12:00:00.000Z',
              },
            }
          : f,
      ),
    };
    // Act
    const [alice] = byUser(toAsff(rotating, { region: 'eu-west-1' }), 'alice');
    // Assess
    expect(alice?.Compliance).toMatchObject({
      Status: 'WARNING',
      StatusReasons: [
        {
          ReasonCode: 'KEYWARDEN_ROTATION_IN_PROGRESS',
          Description:
            'Keywarden rotation run-1 in progress: new key AKIANEW; the old key is deactivated from 2026-11-29T12:00:00.000Z',
        },
      ],
    });
  });

  it('names the Security Hub control, the CIS and NIST requirements and their standards types', () => {
    const list = findings();
    const [alice] = byUser(list, 'alice');
    expect(alice?.Compliance.SecurityControlId).toBe('IAM.3');
    expect(alice?.Compliance.RelatedRequirements).toEqual([
      'CIS AWS Foundations Benchmark v3.0.0/1.14',
      'CIS AWS Foundations Benchmark v1.4.0/1.14',
      'CIS AWS Foundations Benchmark v1.2.0/1.4',
      'NIST.800-53.r5 AC-2(1)',
      'NIST.800-53.r5 AC-2(3)',
      'NIST.800-53.r5 AC-3(15)',
    ]);
    expect(alice?.Types).toEqual([BASE_TYPE, CIS_TYPE, NIST_TYPE]);
    expect(alice?.ProductFields['keywarden/AwsConfigRule']).toBe('access-keys-rotated');
    const [root] = byUser(list, '<root_account>');
    expect(root?.Compliance.SecurityControlId).toBe('IAM.4');
    // MULTIPLE_ACTIVE_KEYS has a CIS control only: no Security Hub control, no NIST type
    const multiple = byUser(list, 'bob').find((f) => f.GeneratorId === 'keywarden/MULTIPLE_ACTIVE_KEYS');
    expect(multiple?.Compliance.SecurityControlId).toBeUndefined();
    expect(multiple?.Compliance.RelatedRequirements).toEqual([
      'CIS AWS Foundations Benchmark v3.0.0/1.13',
      'CIS AWS Foundations Benchmark v1.4.0/1.13',
    ]);
    expect(multiple?.Types).toEqual([BASE_TYPE, CIS_TYPE]);
    expect(multiple?.ProductFields['keywarden/AwsConfigRule']).toBeUndefined();
  });

  it('picks IAM.22 for unused credentials at a threshold of 45 days or less, IAM.8 above', () => {
    expect(securityControlId(['IAM.8', 'IAM.22'], 45)).toBe('IAM.22');
    expect(securityControlId(['IAM.8', 'IAM.22'], 46)).toBe('IAM.8');
    expect(securityControlId(['IAM.8', 'IAM.22'], 90)).toBe('IAM.8');
    expect(securityControlId(['IAM.3'], 45)).toBe('IAM.3');
    expect(securityControlId([], 45)).toBeNull();
    // Through the report: the policy's threshold decides
    const at = (unusedDays: number) => {
      const p = policy({ rules: { UNUSED_CREDENTIALS: { unusedDays } } });
      const inv = inventory({
        users: [user({ accessKeys: [key({ createDate: daysAgo(10), lastUsedDate: daysAgo(100) })] })],
      });
      const report = buildAuditReport([evaluateAccount(inv, p, NOW)], p, NOW, TOOL);
      return toAsff(report, { region: 'us-east-1' }).find(
        (f) => f.GeneratorId === 'keywarden/UNUSED_CREDENTIALS',
      )?.Compliance.SecurityControlId;
    };
    expect(at(45)).toBe('IAM.22');
    expect(at(46)).toBe('IAM.8');
  });

  it('keeps at most 32 related requirements, as ASFF allows', () => {
    const report = auditReport();
    const many = Array.from({ length: 40 }, (_, i) => ({
      standard: 'nist-800-53' as const,
      version: 'r5',
      control: `AC-${i}`,
      label: `NIST.800-53.r5 AC-${i}`,
    }));
    const wide = { ...report, findings: report.findings.map((f) => ({ ...f, compliance: many })) };
    const requirements = toAsff(wide, { region: 'us-east-1' })[0]?.Compliance.RelatedRequirements;
    expect(requirements).toHaveLength(32);
    expect(requirements?.[31]).toBe('NIST.800-53.r5 AC-31');
  });

  it('keeps ids stable from run to run', () => {
    const ids = (list: AsffFinding[]) => list.map((f) => f.Id).sort();
    const later = findings(addDays(NOW, 3));
    expect(ids(later)).toEqual(ids(findings()));
    expect(new Set(ids(later)).size).toBe(later.length);
  });

  it('keeps to the constraints of the Security Hub API reference and the ASFF types taxonomy', () => {
    // Written down from the API reference (AwsSecurityFinding, Compliance) and the user guide's
    // types taxonomy: Types are namespace[/category[/classifier]] in one of the five namespaces;
    // Compliance.Status is one of four values, RelatedRequirements at most 32 non-blank items;
    // ProductFields at most 50 pairs, keys up to 128 characters, values up to 2048.
    const NAMESPACES = [
      'Software and Configuration Checks',
      'TTPs',
      'Effects',
      'Unusual Behaviors',
      'Sensitive Data Identifications',
    ];
    for (const f of findings()) {
      for (const type of [...f.Types, ...f.FindingProviderFields.Types]) {
        const parts = type.split('/');
        expect(parts.length, type).toBeLessThanOrEqual(3);
        expect(NAMESPACES, type).toContain(parts[0]);
      }
      expect(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']).toContain(f.Compliance.Status);
      expect(f.Compliance.RelatedRequirements?.length ?? 0).toBeLessThanOrEqual(32);
      for (const r of f.Compliance.RelatedRequirements ?? []) expect(r).toMatch(/\S/);
      for (const reason of f.Compliance.StatusReasons ?? []) expect(reason.ReasonCode).toMatch(/\S/);
      expect(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(f.Severity.Label);
      const fields = Object.entries(f.ProductFields);
      expect(fields.length).toBeLessThanOrEqual(50);
      for (const [k, v] of fields) {
        expect(k.length).toBeLessThanOrEqual(128);
        expect(v.length).toBeLessThanOrEqual(2048);
      }
    }
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
