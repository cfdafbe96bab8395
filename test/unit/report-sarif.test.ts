import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../../src/core/audit-account.js';
import type { AuditReport, Finding } from '../../src/core/audit-report.js';
import { buildAuditReport } from '../../src/core/audit-summary.js';
import { addDays } from '../../src/core/days.js';
import { RULE_IDS } from '../../src/core/rules/registry.js';
import { renderSarif, type SarifLog, sarifArtifactUri } from '../../src/report/sarif.js';
import { GITHUB_SARIF_LIMITS, githubIngestionProblems } from '../support/github-sarif-rules.js';
import { sarifSchemaErrors } from '../support/sarif-schema.js';
import { daysAgo, inventory, key, NOW, policy, root, user } from './builders.js';
import { sampleReport } from './render-helpers.js';

const TOOL = { name: 'keywarden', version: '0.1.0' };
/** The key a dashboard tracks a finding by, from run to run. */
const FINGERPRINT = 'keywarden/v1';
const OPTIONS = { artifactUri: 'keywarden.yaml' };

/** The SARIF log as a code-scanning dashboard reads it: the rendered text, parsed. */
const toSarif = (report: AuditReport): SarifLog => JSON.parse(renderSarif(report, OPTIONS)) as SarifLog;

/** sampleReport plus a root access key (critical) and a finding of a rotation in progress. */
function fullReport(): AuditReport {
  const p = policy({ exemptions: { users: [{ name: 'bob', reason: 'vendor, "legacy" system' }] } });
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
  const report = buildAuditReport([evaluateAccount(inv, p, NOW)], p, NOW, TOOL);
  const rotating = (f: Finding): Finding =>
    f.userName === 'carol'
      ? {
          ...f,
          rotationInProgress: {
            runId: 'run-7',
            newAccessKeyId: 'AKIACAROLNEW',
            deactivateFrom: '2026-11-29T12:00:00Z',
          },
        }
      : f;
  return { ...report, findings: report.findings.map(rotating) };
}

describe('SARIF', () => {
  it('validates against the SARIF 2.1.0 schema, suppressions and critical findings included', () => {
    // Act
    const sample = JSON.parse(renderSarif(sampleReport(), OPTIONS)) as unknown;
    const full = JSON.parse(renderSarif(fullReport(), OPTIONS)) as unknown;
    // Assess
    expect(sarifSchemaErrors(sample)).toEqual([]);
    expect(sarifSchemaErrors(full)).toEqual([]);
  });

  it('the schema check catches a broken log', () => {
    const log = JSON.parse(renderSarif(sampleReport(), OPTIONS)) as {
      runs: { results: { level: string }[] }[];
    };
    (log.runs[0]?.results[0] as { level: string }).level = 'severe';
    expect(sarifSchemaErrors(log).join('\n')).toMatch(/\/runs\/0\/results\/0\/level/);
  });

  it("meets GitHub code scanning's ingestion rules", () => {
    // Act
    const text = renderSarif(fullReport(), OPTIONS);
    // Assess
    expect(githubIngestionProblems(text)).toEqual([]);
    expect(githubIngestionProblems(renderSarif(sampleReport(), OPTIONS))).toEqual([]);
  });

  it('the GitHub check names "expected artifact location" for a result with only a logical location', () => {
    // Prepare: the shape Keywarden wrote before, which GitHub refused
    const log = toSarif(sampleReport()) as unknown as {
      runs: { results: { locations: Record<string, unknown>[] }[] }[];
    };
    const location = log.runs[0]?.results[0]?.locations[0] ?? {};
    delete location.physicalLocation;
    // Act
    const problems = githubIngestionProblems(JSON.stringify(log));
    // Assess
    expect(problems).toEqual([
      'runs[0].results[0].locations[0].physicalLocation: locationFromSarifResult: expected artifact location',
    ]);
  });

  it('the GitHub check refuses an empty, absolute, parent or unencoded artifact uri, and no location', () => {
    const withUri = (uri: string) =>
      githubIngestionProblems(renderSarif(sampleReport(), { artifactUri: uri })).length;
    expect(withUri('')).toBeGreaterThan(0);
    expect(withUri('/etc/keywarden.yaml')).toBeGreaterThan(0);
    expect(withUri('../keywarden.yaml')).toBeGreaterThan(0);
    expect(withUri('file:///repo/keywarden.yaml')).toBeGreaterThan(0);
    expect(withUri('my policy.yaml')).toBeGreaterThan(0);
    expect(withUri('my%20policy.yaml')).toBe(0);
    expect(withUri('config/keywarden.yaml')).toBe(0);
    const log = toSarif(sampleReport()) as unknown as { runs: { results: { locations: unknown[] }[] }[] };
    (log.runs[0]?.results[0] as { locations: unknown[] }).locations = [];
    expect(githubIngestionProblems(JSON.stringify(log))).toEqual([
      'runs[0].results[0]: locationFromSarifResult: expected at least one location',
    ]);
  });

  it('the GitHub check enforces the limits: runs, tags per rule, startLine', () => {
    const log = toSarif(sampleReport()) as unknown as {
      runs: {
        tool: { driver: { rules: { properties: { tags: string[] } }[] } };
        results: { locations: { physicalLocation: Record<string, unknown> }[] }[];
      }[];
    };
    const run = log.runs[0];
    if (run === undefined) throw new Error('no run');
    const rule = run.tool.driver.rules[0];
    if (rule === undefined) throw new Error('no rule');
    rule.properties.tags = Array.from({ length: GITHUB_SARIF_LIMITS.tagsShownPerRule }, (_, i) => `t${i}`);
    const location = run.results[0]?.locations[0];
    if (location === undefined) throw new Error('no location');
    location.physicalLocation.region = { startLine: 1 };
    expect(githubIngestionProblems(JSON.stringify(log))).toEqual([]);
    rule.properties.tags.push('one-too-many');
    location.physicalLocation.region = { startLine: 0 };
    const many = { ...log, runs: Array.from({ length: GITHUB_SARIF_LIMITS.runsPerFile + 1 }, () => run) };
    const problems = githubIngestionProblems(JSON.stringify(many));
    expect(problems).toContain('runs: more runs than allowed (21 > 20)');
    expect(problems).toContain('runs[0].tool.driver.rules[0]: rule tags exceed limits (11 > 10 shown)');
    expect(problems).toContain(
      'runs[0].results[0].locations[0].physicalLocation.region.startLine: an integer of at least 1',
    );
  });

  it('has one rule per Keywarden rule and one result per finding, exempt ones suppressed', () => {
    // Prepare: alice's old key is open, bob's is exempt
    const report = sampleReport();
    // Act
    const run = toSarif(report).runs[0];
    // Assess
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([...RULE_IDS]);
    expect(run.tool.driver.rules[0]).toMatchObject({
      name: 'AccessKeysRotated',
      defaultConfiguration: { level: 'warning', enabled: true },
    });
    expect(
      run.tool.driver.rules.find((r) => r.id === 'CONSOLE_WITHOUT_MFA')?.defaultConfiguration.enabled,
    ).toBe(false);
    expect(run.results).toHaveLength(report.findings.length);
    const alice = run.results.find((r) => r.properties.userName === 'alice');
    expect(alice).toMatchObject({
      ruleId: 'KEY_ROTATION',
      ruleIndex: 0,
      level: 'warning',
      kind: 'fail',
      message: { text: 'Active access key AKIAALICE is 120 days old (max 90).' },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'keywarden.yaml' } },
          logicalLocations: [
            { name: 'alice', fullyQualifiedName: 'arn:aws:iam::123456789012:user/alice', kind: 'resource' },
          ],
        },
      ],
    });
    expect(alice?.suppressions).toBeUndefined();
    const bob = run.results.filter((r) => r.properties.userName === 'bob');
    expect(bob.length).toBeGreaterThan(0);
    for (const r of bob) {
      expect(r.suppressions).toEqual([
        {
          kind: 'external',
          status: 'accepted',
          justification: expect.stringContaining('vendor, "legacy" system'),
        },
      ]);
    }
  });

  it('suppresses the findings of a rotation in progress, naming the run and the new key', () => {
    const results = toSarif(fullReport()).runs[0].results;
    const carol = results.filter((r) => r.properties.userName === 'carol');
    expect(carol.length).toBeGreaterThan(0);
    for (const r of carol) {
      expect(r.suppressions?.[0]).toMatchObject({ kind: 'external', status: 'accepted' });
      expect(r.suppressions?.[0]?.justification).toMatch(/rotation run-7 in progress: new key AKIACAROLNEW/);
    }
  });

  it('carries each rule its compliance controls as tags and its AWS documentation as helpUri', () => {
    const rules = toSarif(sampleReport()).runs[0].tool.driver.rules;
    const rotation = rules.find((r) => r.id === 'KEY_ROTATION');
    expect(rotation?.properties.tags.slice(0, 2)).toEqual([
      'security',
      'CIS AWS Foundations Benchmark v3.0.0/1.14',
    ]);
    expect(rotation?.properties.tags).toContain('AWS Security Hub IAM.3');
    expect(rotation?.properties.tags).toContain('AWS Config access-keys-rotated');
    expect(rotation?.helpUri).toBe(
      'https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-3',
    );
    for (const rule of rules) {
      expect(rule.properties.tags.length).toBeLessThanOrEqual(GITHUB_SARIF_LIMITS.tagsShownPerRule);
      expect(rule.properties.tags).toEqual(['security', ...rule.properties.compliance].slice(0, 10));
    }
    // A rule mapped to a Config rule but no Security Hub control would link the Config rule; one
    // mapped to neither (CIS only) has no helpUri.
    expect(rules.find((r) => r.id === 'MULTIPLE_ACTIVE_KEYS')?.helpUri).toBeUndefined();
    const unused = rules.find((r) => r.id === 'UNUSED_CREDENTIALS');
    expect(unused?.properties.compliance.length).toBeGreaterThan(10);
    expect(unused?.properties.compliance).toContain('NIST.800-53.r5 AC-6');
  });

  it("under a one-version CIS preset, a rule's tags name only that version's CIS control", () => {
    const p = policy({ preset: 'cis-1.4.0' });
    const inv = inventory({
      users: [
        user({
          userName: 'alice',
          accessKeys: [key({ accessKeyId: 'AKIAALICE', createDate: daysAgo(120) })],
        }),
      ],
    });
    const rules = toSarif(buildAuditReport([evaluateAccount(inv, p, NOW)], p, NOW, TOOL)).runs[0].tool.driver
      .rules;
    const cis = rules
      .find((r) => r.id === 'KEY_ROTATION')
      ?.properties.compliance.filter((c) => c.startsWith('CIS'));
    expect(cis).toEqual(['CIS AWS Foundations Benchmark v1.4.0/1.14']);
  });

  it('a critical finding (root access key) is level error with security-severity 9.5', () => {
    const run = toSarif(fullReport()).runs[0];
    const rule = run.tool.driver.rules.find((r) => r.id === 'ROOT_ACCESS_KEY');
    expect(rule?.properties['security-severity']).toBe('9.5');
    expect(rule?.defaultConfiguration.level).toBe('error');
    const result = run.results.find((r) => r.ruleId === 'ROOT_ACCESS_KEY');
    expect(result).toMatchObject({ level: 'error', properties: { severity: 'critical' } });
    expect(result?.properties.compliance).toContain('AWS Security Hub IAM.4');
  });

  it('reports a failed account as an unsuccessful run with a notification', () => {
    const invocation = toSarif(sampleReport()).runs[0].invocations[0];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications[0]?.message.text).toMatch(
      /^Account 999999999999: AccessDenied/,
    );
  });

  it("keeps each finding's fingerprints and location from run to run, and tells findings apart", () => {
    // Prepare: the same account audited today and 10 days later (ages and messages change)
    const p = policy();
    const inv = inventory({
      users: [
        user({
          userName: 'alice',
          accessKeys: [
            key({ accessKeyId: 'AKIAA1', createDate: daysAgo(120), lastUsedDate: daysAgo(100) }),
            key({ slot: 2, accessKeyId: 'AKIAA2', createDate: daysAgo(100), lastUsedDate: daysAgo(1) }),
          ],
        }),
      ],
    });
    const run = (now: Date): SarifLog =>
      toSarif(buildAuditReport([evaluateAccount(inv, p, now)], p, now, TOOL));
    // Act
    const first = run(NOW).runs[0].results;
    const later = run(addDays(NOW, 10)).runs[0].results;
    // Assess
    const prints = (results: typeof first) =>
      results
        .map(
          (r) =>
            `${r.ruleId} ${r.properties.accessKeyId} ${r.fingerprints[FINGERPRINT]} ${r.partialFingerprints[FINGERPRINT]} ${r.locations[0]?.physicalLocation.artifactLocation.uri}`,
        )
        .sort();
    expect(prints(later)).toEqual(prints(first));
    expect(first[0]?.message.text).not.toBe(later.find((r) => r.ruleId === first[0]?.ruleId)?.message.text);
    expect(new Set(first.map((r) => r.partialFingerprints[FINGERPRINT])).size).toBe(first.length);
    expect(first.find((r) => r.ruleId === 'UNUSED_CREDENTIALS')?.partialFingerprints[FINGERPRINT]).toBe(
      '123456789012/alice/UNUSED_CREDENTIALS/AKIAA1',
    );
  });
});

describe('sarifArtifactUri', () => {
  it('is the policy file relative to the working directory, segments percent-encoded', () => {
    expect(sarifArtifactUri('/repo', '/repo/keywarden.yaml')).toBe('keywarden.yaml');
    expect(sarifArtifactUri('/repo', '/repo/security/keywarden.yml')).toBe('security/keywarden.yml');
    expect(sarifArtifactUri('/repo', '/repo/my policies/prod #1.yaml')).toBe(
      'my%20policies/prod%20%231.yaml',
    );
  });

  it('falls back to keywarden.yaml without a policy file or with one outside the working directory', () => {
    expect(sarifArtifactUri('/repo', null)).toBe('keywarden.yaml');
    expect(sarifArtifactUri('/repo', '/etc/keywarden.yaml')).toBe('keywarden.yaml');
    expect(sarifArtifactUri('/repo/sub', '/repo/keywarden.yaml')).toBe('keywarden.yaml');
  });
});
