import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../../src/core/audit-account.js';
import type { AuditReport, Finding } from '../../src/core/audit-report.js';
import { buildAuditReport } from '../../src/core/audit-summary.js';
import { addDays } from '../../src/core/days.js';
import { OCSF_VERSION, type OcsfDetectionFinding, renderOcsf } from '../../src/report/ocsf.js';
import { ocsfComplianceErrors, ocsfDetectionFindingErrors } from '../support/ocsf-schema.js';
import { daysAgo, inventory, key, NOW, policy, root, user } from './builders.js';
import { sampleReport } from './render-helpers.js';

const TOOL = { name: 'keywarden', version: '0.1.0' };
const OPTIONS = { region: 'eu-west-1' };

const toOcsf = (report: AuditReport): OcsfDetectionFinding[] =>
  JSON.parse(renderOcsf(report, OPTIONS)) as OcsfDetectionFinding[];

/** alice open, bob exempt, carol's key in a rotation in progress, and a root access key (critical). */
function fullReport(now: Date = NOW): AuditReport {
  const p = policy({
    exemptions: { users: [{ name: 'bob', reason: 'vendor system', until: '2027-01-31' }] },
  });
  const inv = inventory({
    users: [
      user({ userName: 'alice', accessKeys: [key({ accessKeyId: 'AKIAALICE', createDate: daysAgo(120) })] }),
      user({
        userName: 'bob',
        accessKeys: [key({ accessKeyId: 'AKIABOB', createDate: daysAgo(200), lastUsedDate: null })],
      }),
      user({ userName: 'carol', accessKeys: [key({ accessKeyId: 'AKIACAROL', createDate: daysAgo(150) })] }),
    ],
    root: root({ accessKeys: [{ slot: 1, active: true, lastRotated: daysAgo(700), lastUsedDate: null }] }),
  });
  const report = buildAuditReport([evaluateAccount(inv, p, now)], p, now, TOOL);
  const rotating = (f: Finding): Finding =>
    f.userName === 'carol'
      ? { ...f, rotationInProgress: { runId: 'run-7', newAccessKeyId: 'AKIACAROLNEW', deactivateFrom: null } }
      : f;
  return { ...report, findings: report.findings.map(rotating) };
}

describe('OCSF', () => {
  it('every finding validates against the OCSF 1.1.0 Detection Finding schema, and so does its compliance', () => {
    // Act
    const findings = [...toOcsf(fullReport()), ...toOcsf(sampleReport())];
    // Assess
    expect(findings.length).toBeGreaterThan(4);
    for (const f of findings) {
      expect(ocsfDetectionFindingErrors(f), f.finding_info.uid).toEqual([]);
      expect(ocsfComplianceErrors(f.unmapped.compliance), f.finding_info.uid).toEqual([]);
    }
  });

  it('the schema check catches a missing required attribute, a wrong enum value, a wrong type and a stray attribute', () => {
    const [first] = toOcsf(sampleReport());
    if (first === undefined) throw new Error('no finding');
    const broken = (change: (f: Record<string, unknown>) => void): string => {
      const copy = JSON.parse(JSON.stringify(first)) as Record<string, unknown>;
      change(copy);
      return ocsfDetectionFindingErrors(copy).join('\n');
    };
    expect(broken((f) => delete f.metadata)).toMatch(/must have required property 'metadata'/);
    expect(broken((f) => (f.severity_id = 7))).toMatch(
      /\/severity_id: must be equal to one of the allowed values/,
    );
    expect(broken((f) => (f.time = '2026-11-22T12:00:00Z'))).toMatch(/\/time: must be integer/);
    expect(broken((f) => (f.class_uid = 2001))).toMatch(/\/class_uid: must be equal to constant/);
    expect(broken((f) => (f.finding = {}))).toMatch(/must NOT have additional properties.*"finding"/);
    expect(broken((f) => delete (f.finding_info as Record<string, unknown>).uid)).toMatch(
      /\/finding_info: must have required property 'uid'/,
    );
    expect(broken((f) => delete (f.remediation as Record<string, unknown>).desc)).toMatch(
      /\/remediation: must have required property 'desc'/,
    );
    expect(ocsfComplianceErrors({ requirements: ['x'] }).join('\n')).toMatch(/required property 'standards'/);
  });

  it('names the OCSF version, the class, the product and the activity', () => {
    const [f] = toOcsf(sampleReport());
    expect(f).toMatchObject({
      metadata: {
        version: '1.1.0',
        product: { name: 'Keywarden', vendor_name: 'Keywarden', version: '0.1.0' },
        profiles: ['cloud'],
      },
      category_uid: 2,
      category_name: 'Findings',
      class_uid: 2004,
      class_name: 'Detection Finding',
      activity_id: 1,
      activity_name: 'Create',
      type_uid: 200401,
    });
    expect(OCSF_VERSION).toBe('1.1.0');
    expect(f?.type_uid).toBe((f?.class_uid ?? 0) * 100 + (f?.activity_id ?? 0));
  });

  it('maps an open finding: severity, status New, time in epoch ms, finding_info, cloud, resources, remediation', () => {
    const alice = toOcsf(fullReport()).find((f) => f.resources[0]?.name === 'alice');
    expect(alice).toMatchObject({
      severity_id: 3,
      severity: 'Medium',
      status_id: 1,
      status: 'New',
      time: NOW.getTime(),
      message: 'Active access key AKIAALICE is 120 days old (max 90).',
      finding_info: {
        uid: '123456789012/alice/KEY_ROTATION/AKIAALICE',
        title: 'Access keys rotated: alice',
        types: ['Software and Configuration Checks/AWS Security Best Practices'],
        created_time: NOW.getTime(),
        analytic: { uid: 'KEY_ROTATION', name: 'Access keys rotated', type_id: 1, type: 'Rule' },
      },
      confidence_id: 3,
      cloud: { provider: 'AWS', account: { uid: '123456789012', type_id: 10 }, region: 'eu-west-1' },
      resources: [
        {
          uid: 'arn:aws:iam::123456789012:user/alice',
          name: 'alice',
          type: 'AwsIamUser',
          cloud_partition: 'aws',
        },
        { uid: 'AKIAALICE', type: 'AwsIamAccessKey' },
      ],
    });
    expect(alice?.remediation.desc.length).toBeGreaterThan(0);
    expect(alice?.status_detail).toBeUndefined();
    expect(alice?.unmapped.compliance).toMatchObject({ status_id: 3, status: 'Fail' });
    expect(alice?.unmapped.compliance.requirements).toContain('CIS AWS Foundations Benchmark v3.0.0/1.14');
    expect(alice?.unmapped.compliance.standards).toContain('AWS Security Hub');
  });

  it('marks exempt findings and those of a rotation in progress Suppressed, saying why', () => {
    const findings = toOcsf(fullReport());
    const bob = findings.filter((f) => f.resources[0]?.name === 'bob');
    const carol = findings.filter((f) => f.resources[0]?.name === 'carol');
    expect(bob.length).toBeGreaterThan(0);
    expect(carol.length).toBeGreaterThan(0);
    for (const f of bob) {
      expect(f).toMatchObject({
        status_id: 3,
        status: 'Suppressed',
        status_detail: 'Exempt: vendor system (until 2027-01-31)',
      });
    }
    for (const f of carol) {
      expect(f).toMatchObject({ status_id: 3, status: 'Suppressed' });
      expect(f.status_detail).toMatch(/rotation run-7 in progress: new key AKIACAROLNEW/);
    }
  });

  it('a root access key is Critical (severity_id 5) on the account resource', () => {
    const rootFinding = toOcsf(fullReport()).find((f) => f.metadata.event_code === 'ROOT_ACCESS_KEY');
    expect(rootFinding).toMatchObject({
      severity_id: 5,
      severity: 'Critical',
      resources: [{ uid: 'arn:aws:iam::123456789012:root', type: 'AwsAccount', name: '123456789012' }],
    });
  });

  it('keeps finding_info.uid from run to run while time moves', () => {
    const uids = (r: AuditReport) =>
      toOcsf(r)
        .map((f) => f.finding_info.uid)
        .sort();
    const later = addDays(NOW, 10);
    expect(uids(fullReport(later))).toEqual(uids(fullReport()));
    expect(toOcsf(fullReport(later))[0]?.time).toBe(later.getTime());
  });

  it('is a JSON array with one Detection Finding per finding (an empty array when there is none)', () => {
    const report = fullReport();
    expect(toOcsf(report)).toHaveLength(report.findings.length);
    expect(renderOcsf({ ...report, findings: [] }, OPTIONS)).toBe('[]\n');
  });
});
