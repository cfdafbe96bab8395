/**
 * importFindings against a stub Security Hub. moto (test/e2e/security-hub-moto.test.ts) has no
 * BatchUpdateFindings, and ignores GetFindings filters and UpdatedAt ordering, so the workflow
 * updates, the refusals and the paging are checked here.
 */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
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

/**
 * A Security Hub that holds findings by Id, pages GetFindings by 100, refuses the Ids in `refuse`
 * and records BatchUpdateFindings (leaving out the Ids in `unprocessed`).
 */
function fakeHub(
  stored: AwsSecurityFinding[],
  refuse: ReadonlySet<string> = new Set(),
  unprocessed: ReadonlySet<string> = new Set(),
) {
  const byId = new Map(stored.map((f) => [f.Id, f]));
  const batches: AwsSecurityFinding[][] = [];
  const updates: { readonly ids: (string | undefined)[]; readonly status: string | undefined }[] = [];
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
      if (command instanceof BatchUpdateFindingsCommand) {
        const ids = (command.input.FindingIdentifiers ?? []).map((f) => f.Id);
        updates.push({ ids, status: command.input.Workflow?.Status });
        return {
          ProcessedFindings: command.input.FindingIdentifiers?.filter((f) => !unprocessed.has(f.Id ?? '')),
          UnprocessedFindings: command.input.FindingIdentifiers?.filter((f) =>
            unprocessed.has(f.Id ?? ''),
          ).map((f) => ({ FindingIdentifier: f, ErrorCode: 'FindingNotFound', ErrorMessage: 'not found' })),
        };
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  };
  return { client: client as unknown as SecurityHubClient, batches, byId, updates };
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
    expect(result).toEqual({
      imported: 250,
      notOpen: 0,
      archived: 0,
      reopened: 0,
      failed: [],
      batches: 3,
      workflowBatches: 0,
    });
  });

  it('archives what is gone, keeps the first CreatedAt of what stays, and never adds a second copy', async () => {
    // Prepare: three findings imported earlier; 1 is fixed now
    const earlier = '2026-11-01T00:00:00.000Z';
    const before = [0, 1, 2].map((n) => ({
      ...(asff(n, {
        CreatedAt: earlier,
        FirstObservedAt: earlier,
        UpdatedAt: earlier,
      }) as unknown as AwsSecurityFinding),
    }));
    const hub = fakeHub(before);
    // Act
    const result = await importFindings(hub.client, [asff(0), asff(2), asff(3)], [SCOPE], NOW);
    // Assess
    expect(result).toMatchObject({ imported: 3, archived: 1, failed: [] });
    const sent = new Map(hub.batches.flat().map((f) => [f.Id, f]));
    expect(sent.get(asff(1).Id)).toMatchObject({
      RecordState: 'ARCHIVED',
      UpdatedAt: NOW.toISOString(),
      Compliance: { Status: 'PASSED' },
    });
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
    expect(result).toMatchObject({ imported: 0, archived: 0, reopened: 0, failed: [], batches: 0 });
    expect(hub.updates).toEqual([]);
  });

  it('reports each finding Security Hub refused and does not count it as imported', async () => {
    const hub = fakeHub([], new Set([asff(1).Id]));
    const result = await importFindings(hub.client, [asff(0), asff(1)], [SCOPE], NOW);
    expect(result).toMatchObject({
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
    expect(hub.updates.map((u) => u.ids.length)).toEqual([100, 100, 30]);
  });

  it('resolves a fixed finding: PASSED, ARCHIVED, and its workflow RESOLVED by BatchUpdateFindings', async () => {
    // Prepare: a finding imported earlier as a WARNING (exempt), now gone
    const earlier = '2026-11-01T00:00:00.000Z';
    const exempt = asff(1, {
      UpdatedAt: earlier,
      Compliance: {
        Status: 'WARNING',
        SecurityControlId: 'IAM.3',
        StatusReasons: [{ ReasonCode: 'KEYWARDEN_EXEMPT', Description: 'Exempt: vendor' }],
      },
    });
    const hub = fakeHub([exempt as unknown as AwsSecurityFinding]);
    // Act
    const result = await importFindings(hub.client, [], [SCOPE], NOW);
    // Assess
    expect(result).toMatchObject({ archived: 1, reopened: 0, failed: [], workflowBatches: 1 });
    const [sent] = hub.batches.flat();
    expect(sent).toMatchObject({ Id: exempt.Id, RecordState: 'ARCHIVED', CreatedAt: exempt.CreatedAt });
    // The control stays; the reasons of the WARNING go
    expect(sent?.Compliance).toEqual({ Status: 'PASSED', SecurityControlId: 'IAM.3' });
    expect(sent?.Workflow).toBeUndefined(); // BatchImportFindings would ignore it
    expect(hub.updates).toEqual([{ ids: [exempt.Id], status: 'RESOLVED' }]);
  });

  it('re-opens a finding that comes back: same Id, ACTIVE, first seen kept, workflow NEW', async () => {
    // Prepare: resolved and archived by an earlier run
    const earlier = '2026-11-01T00:00:00.000Z';
    const resolved = {
      ...(asff(1, {
        CreatedAt: earlier,
        FirstObservedAt: earlier,
        UpdatedAt: earlier,
      }) as unknown as AwsSecurityFinding),
      RecordState: 'ARCHIVED' as const,
      Compliance: { Status: 'PASSED' as const },
      Workflow: { Status: 'RESOLVED' as const },
    };
    const hub = fakeHub([resolved]);
    // Act
    const result = await importFindings(hub.client, [asff(1), asff(2)], [SCOPE], NOW);
    // Assess
    expect(result).toMatchObject({ imported: 2, archived: 0, reopened: 1, failed: [], workflowBatches: 1 });
    expect(hub.byId.size).toBe(2);
    expect(hub.byId.get(asff(1).Id)).toMatchObject({
      RecordState: 'ACTIVE',
      Compliance: { Status: 'FAILED' },
      CreatedAt: earlier,
      FirstObservedAt: earlier,
      UpdatedAt: NOW.toISOString(),
    });
    // Only the returning finding's workflow is touched; a new one starts NEW by itself
    expect(hub.updates).toEqual([{ ids: [asff(1).Id], status: 'NEW' }]);
  });

  it('leaves the workflow of a finding that stays open to the people working on it', async () => {
    const hub = fakeHub([
      { ...(asff(1) as unknown as AwsSecurityFinding), Workflow: { Status: 'NOTIFIED' as const } },
    ]);
    const result = await importFindings(hub.client, [asff(1)], [SCOPE], NOW);
    expect(result).toMatchObject({ imported: 1, reopened: 0, workflowBatches: 0 });
    expect(hub.updates).toEqual([]);
  });

  it('counts exempt or rotating findings (WARNING) apart from the open ones', async () => {
    const hub = fakeHub([]);
    const warning = asff(2, { Compliance: { Status: 'WARNING' } });
    const result = await importFindings(hub.client, [asff(1), warning], [SCOPE], NOW);
    expect(result).toMatchObject({ imported: 1, notOpen: 1 });
  });

  it('moves UpdatedAt past the stored one, else Security Hub would ignore the update', async () => {
    // Prepare: stored with an UpdatedAt at NOW (a run with the same --now); one active, one to archive
    const at = NOW.toISOString();
    const hub = fakeHub([asff(1), asff(2)].map((f) => f as unknown as AwsSecurityFinding));
    // Act: run again at the same instant, asff(2) gone
    await importFindings(hub.client, [asff(1)], [SCOPE], NOW);
    // Assess
    const oneMsLater = new Date(NOW.getTime() + 1).toISOString();
    expect(hub.byId.get(asff(1).Id)?.UpdatedAt).toBe(oneMsLater);
    expect(hub.byId.get(asff(2).Id)).toMatchObject({ RecordState: 'ARCHIVED', UpdatedAt: oneMsLater });
    expect(hub.byId.get(asff(1).Id)?.CreatedAt).toBe(at);
  });

  it('reports a finding whose workflow Security Hub could not update', async () => {
    const hub = fakeHub([asff(1) as unknown as AwsSecurityFinding], new Set(), new Set([asff(1).Id]));
    const result = await importFindings(hub.client, [], [SCOPE], NOW);
    expect(result.failed).toEqual([
      { Id: asff(1).Id, ErrorCode: 'FindingNotFound', ErrorMessage: 'workflow RESOLVED not set: not found' },
    ]);
  });

  it('does not update the workflow of a finding whose import was refused', async () => {
    const hub = fakeHub([asff(1) as unknown as AwsSecurityFinding], new Set([asff(1).Id]));
    const result = await importFindings(hub.client, [], [SCOPE], NOW);
    expect(result).toMatchObject({ archived: 0, workflowBatches: 0 });
    expect(hub.updates).toEqual([]);
  });
});
