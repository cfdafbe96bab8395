import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../../src/core/audit-account.js';
import type { AuditReport } from '../../src/core/audit-report.js';
import { buildAuditReport } from '../../src/core/audit-summary.js';
import { addDays } from '../../src/core/days.js';
import { RULE_IDS } from '../../src/core/rules/registry.js';
import { renderSarif, type SarifLog } from '../../src/report/sarif.js';
import { sarifSchemaErrors } from '../support/sarif-schema.js';
import { daysAgo, inventory, key, NOW, policy, user } from './builders.js';
import { sampleReport } from './render-helpers.js';

const TOOL = { name: 'keywarden', version: '0.1.0' };
/** The key a dashboard tracks a finding by, from run to run. */
const FINGERPRINT = 'keywarden/v1';

/** The SARIF log as a code-scanning dashboard reads it: the rendered text, parsed. */
const toSarif = (report: AuditReport): SarifLog => JSON.parse(renderSarif(report)) as SarifLog;

describe('SARIF', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    // Act
    const log = JSON.parse(renderSarif(sampleReport())) as unknown;
    // Assess
    expect(sarifSchemaErrors(log)).toEqual([]);
  });

  it('the schema check catches a broken log', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as { runs: { results: { level: string }[] }[] };
    (log.runs[0]?.results[0] as { level: string }).level = 'severe';
    expect(sarifSchemaErrors(log).join('\n')).toMatch(/\/runs\/0\/results\/0\/level/);
  });

  it('has one rule per Keywarden rule and one result per open finding', () => {
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
    const open = report.findings.filter((f) => !f.exempt);
    expect(run.results).toHaveLength(open.length);
    expect(run.results.some((r) => r.properties.userName === 'bob')).toBe(false);
    const alice = run.results.find((r) => r.properties.userName === 'alice');
    expect(alice).toMatchObject({
      ruleId: 'KEY_ROTATION',
      ruleIndex: 0,
      level: 'warning',
      kind: 'fail',
      message: { text: 'Active access key AKIAALICE is 120 days old (max 90).' },
      locations: [
        {
          logicalLocations: [
            { name: 'alice', fullyQualifiedName: 'arn:aws:iam::123456789012:user/alice', kind: 'resource' },
          ],
        },
      ],
    });
  });

  it('reports a failed account as an unsuccessful run with a notification', () => {
    const invocation = toSarif(sampleReport()).runs[0].invocations[0];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications[0]?.message.text).toMatch(
      /^Account 999999999999: AccessDenied/,
    );
  });

  it("keeps each finding's fingerprint from run to run, and tells findings apart", () => {
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
      results.map((r) => `${r.ruleId} ${r.properties.accessKeyId} ${r.fingerprints[FINGERPRINT]}`).sort();
    expect(prints(later)).toEqual(prints(first));
    expect(new Set(first.map((r) => r.fingerprints[FINGERPRINT])).size).toBe(first.length);
    expect(first.find((r) => r.ruleId === 'UNUSED_CREDENTIALS')?.fingerprints[FINGERPRINT]).toBe(
      '123456789012/alice/UNUSED_CREDENTIALS/AKIAA1',
    );
  });
});
