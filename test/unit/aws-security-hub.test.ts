import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { importFindings } from '../../src/aws/security-hub.js';
import type { AsffFinding } from '../../src/core/asff.js';
import { NOW } from './builders.js';

const ACCOUNT = '123456789012';
const PRODUCT = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const SCOPE = { accountId: ACCOUNT, productArn: PRODUCT };

function asff(n: number, overrides: Partial<AsffFinding> = {}): AsffFinding {
  const at = NOW.toISOString();
  const severity = { Label: 'MEDIUM', Original: 'medium' } as const;
  return {
    SchemaVersion: '2018-10-08',
    Id: `keywarden/${ACCOUNT}/user-${n}/KEY_ROTATION/AKIA${n}`,
    ProductArn: PRODUCT,
    GeneratorId: 'keywarden/KEY_ROTATION',
    AwsAccountId: ACCOUNT,
    Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    CreatedAt: at,
    UpdatedAt: at,
    FirstObservedAt: at,
    LastObservedAt: at,
    Severity: severity,
    Title: `Access keys rotated: user-${n}`,
    Description: 'old',
    Remediation: { Recommendation: { Text: 'rotate' } },
    ProductFields: {},
    Resources: [
      {
        Type: 'AwsIamUser',
        Id: `arn:aws:iam::${ACCOUNT}:user/user-${n}`,
        Partition: 'aws',
        Region: 'us-east-1',
      },
    ],
    Compliance: { Status: 'FAILED' },
    FindingProviderFields: {
      Severity: severity,
      Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    },
    RecordState: 'ACTIVE',
    ...overrides,
  };
}

/** A Security Hub that holds findings by Id, pages GetFindings by 100 and refuses the Ids in `refuse`. */
function fakeHub(stored: AwsSecurityFinding[], refuse: ReadonlySet<string> = new Set()) {
  const byId = new Map(stored.map((f) => [f.Id, f]));
  const batches: AwsSecurityFinding[][] = [];
  const client = {
    async send(command: unknown) {
      if (command instanceof GetFindingsCommand) {
        const all = [...byId.values()];
        const start = Number(command.input.NextToken ?? 0);
        const page = all.slice(start, start + (command.input.MaxResults ?? 100));
        const next = start + page.length;
        return { Findings: page, NextToken: next < all.length ? String(next) : undefined };
      }
      if (command instanceof BatchImportFindingsCommand) {
        const findings = command.input.Findings ?? [];
        batches.push(findings);
        const failed = findings.filter((f) => refuse.has(f.Id ?? ''));
        for (const f of findings) if (!refuse.has(f.Id ?? '')) byId.set(f.Id, { ...byId.get(f.Id), ...f });
        return {
          SuccessCount: findings.length - failed.length,
          FailedCount: failed.length,
          FailedFindings: failed.map((f) => ({
            Id: f.Id,
            ErrorCode: 'InvalidInput',
            ErrorMessage: 'refused',
          })),
        };
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  };
  return { client: client as unknown as SecurityHubClient, batches, byId };
}

describe('importFindings', () => {
  it('sends at most 100 findings per BatchImportFindings call', async () => {
    // Prepare
    const hub = fakeHub([]);
    const findings = Array.from({ length: 250 }, (_, i) => asff(i));
    // Act
    const result = await importFindings(hub.client, findings, [SCOPE], NOW);
    // Assess
    expect(hub.batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(result).toEqual({ imported: 250, archived: 0, failed: [], batches: 3 });
  });

  it('archives what is gone, keeps the first CreatedAt of what stays, and never adds a second copy', async () => {
    // Prepare: three findings imported earlier; 1 is fixed now
    const earlier = '2026-11-01T00:00:00.000Z';
    const before = [0, 1, 2].map((n) => ({
      ...(asff(n, { CreatedAt: earlier, FirstObservedAt: earlier }) as unknown as AwsSecurityFinding),
    }));
    const hub = fakeHub(before);
    // Act
    const result = await importFindings(hub.client, [asff(0), asff(2), asff(3)], [SCOPE], NOW);
    // Assess
    expect(result).toMatchObject({ imported: 3, archived: 1, failed: [] });
    const sent = new Map(hub.batches.flat().map((f) => [f.Id, f]));
    expect(sent.get(asff(1).Id)).toMatchObject({ RecordState: 'ARCHIVED', UpdatedAt: NOW.toISOString() });
    expect(sent.get(asff(0).Id)).toMatchObject({
      RecordState: 'ACTIVE',
      CreatedAt: earlier,
      FirstObservedAt: earlier,
    });
    expect(sent.get(asff(3).Id)?.CreatedAt).toBe(NOW.toISOString());
    expect(hub.byId.size).toBe(4);
  });

  it('archives nothing that is not an active Keywarden finding of the scope, whatever GetFindings returns', async () => {
    // Prepare: an endpoint that ignores filters returns another product's finding, an archived one,
    // and another account's
    const other: AwsSecurityFinding[] = [
      {
        ...(asff(1) as unknown as AwsSecurityFinding),
        GeneratorId: 'aws-foundational-security-best-practices/IAM.3',
      },
      { ...(asff(2) as unknown as AwsSecurityFinding), RecordState: 'ARCHIVED' as const },
      { ...(asff(3) as unknown as AwsSecurityFinding), AwsAccountId: '999999999999' },
    ];
    const hub = fakeHub(other);
    // Act
    const result = await importFindings(hub.client, [], [SCOPE], NOW);
    // Assess
    expect(result).toEqual({ imported: 0, archived: 0, failed: [], batches: 0 });
  });

  it('reports each finding Security Hub refused and does not count it as imported', async () => {
    const hub = fakeHub([], new Set([asff(1).Id]));
    const result = await importFindings(hub.client, [asff(0), asff(1)], [SCOPE], NOW);
    expect(result).toEqual({
      imported: 1,
      archived: 0,
      failed: [{ Id: asff(1).Id, ErrorCode: 'InvalidInput', ErrorMessage: 'refused' }],
      batches: 1,
    });
  });

  it('reads every page of the previous findings', async () => {
    // Prepare: 230 earlier findings, none current
    const hub = fakeHub(Array.from({ length: 230 }, (_, i) => asff(i) as unknown as AwsSecurityFinding));
    // Act
    const result = await importFindings(hub.client, [], [SCOPE], NOW);
    // Assess
    expect(result.archived).toBe(230);
    expect(hub.batches.map((b) => b.length)).toEqual([100, 100, 30]);
  });
});
