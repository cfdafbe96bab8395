/**
 * `keywarden rules`: every rule with its severity, default thresholds, AWS Config rule, compliance
 * ids and remediation, as a table that fits the terminal and as JSON; a bad --format is one line.
 */
import { describe, expect, it } from 'vitest';
import { complianceRefs } from '../../src/core/compliance.js';
import { RULES, RULES_BY_ID } from '../../src/core/rules/registry.js';
import { runCli } from '../support/cli.js';

interface RulesJson {
  readonly schemaVersion: 1;
  readonly rules: readonly {
    readonly id: string;
    readonly title: string;
    readonly severity: string;
    readonly scope: string;
    readonly enabledByDefault: boolean;
    readonly defaults: Record<string, unknown>;
    readonly awsConfigRule: string | null;
    readonly compliance: readonly {
      readonly standard: string;
      readonly control: string;
      readonly label: string;
    }[];
    readonly remediation: { readonly kind: string; readonly actions: readonly string[] };
  }[];
}

async function rulesJson(): Promise<RulesJson> {
  const result = await runCli(['rules', '--format', 'json']);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as RulesJson;
}

describe('keywarden rules', () => {
  it('--format json lists every rule, in registry order, with its fields', async () => {
    // Act
    const json = await rulesJson();
    // Assess
    expect(json.schemaVersion).toBe(1);
    expect(json.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    const rotation = json.rules.find((r) => r.id === 'KEY_ROTATION');
    expect(rotation).toMatchObject({
      title: RULES_BY_ID.KEY_ROTATION.title,
      severity: 'medium',
      scope: 'user',
      enabledByDefault: true,
      defaults: { maxKeyAgeDays: 90 },
      awsConfigRule: 'access-keys-rotated',
      remediation: { kind: 'lifecycle' },
    });
    expect(rotation?.remediation.actions).toEqual(expect.arrayContaining(['create-key', 'deactivate-key']));
    expect(rotation?.compliance).toEqual(complianceRefs(RULES_BY_ID.KEY_ROTATION.compliance));
    expect(json.rules.find((r) => r.id === 'UNUSED_CREDENTIALS')?.defaults).toEqual({ unusedDays: 90 });
    expect(json.rules.find((r) => r.id === 'ROOT_ACCESS_KEY')).toMatchObject({
      severity: 'critical',
      scope: 'account',
      awsConfigRule: 'iam-root-access-key-check',
      remediation: { kind: 'reported-only', actions: [] },
    });
    expect(json.rules.find((r) => r.id === 'MULTIPLE_ACTIVE_KEYS')).toMatchObject({
      awsConfigRule: null,
      defaults: {},
    });
    expect(json.rules.find((r) => r.id === 'CONSOLE_WITHOUT_MFA')?.enabledByDefault).toBe(false);
  });

  it('the table names each rule with its thresholds, AWS Config rule, controls and remediation', async () => {
    // Act
    const result = await runCli(['rules']);
    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    const blocks = result.stdout.split('\n\n');
    const rotation = blocks.find((b) => b.startsWith('KEY_ROTATION')) ?? '';
    expect(rotation).toMatch(/^KEY_ROTATION +MEDIUM +Access keys rotated \(on by default\)/);
    expect(rotation).toMatch(/\n {2}defaults +maxKeyAgeDays 90\n/);
    expect(rotation).toMatch(/\n {2}AWS Config +access-keys-rotated\n/);
    expect(rotation).toMatch(/controls +CIS v3\.0\.0 1\.14, CIS v1\.4\.0 1\.14, CIS v1\.2\.0 1\.4, IAM\.3,/);
    expect(rotation).toMatch(/remediation +the credential lifecycle/);
    const root = blocks.find((b) => b.startsWith('ROOT_ACCESS_KEY')) ?? '';
    expect(root).toMatch(/CRITICAL/);
    expect(root).toMatch(/remediation +reported only/);
    expect(blocks.find((b) => b.startsWith('MULTIPLE_ACTIVE_KEYS'))).toMatch(/AWS Config +-\n/);
    expect(result.stdout).toMatch(/\n6 rules · /);
  });

  it.each([80, 200])('fits a %i-column terminal, ids kept whole', async (columns) => {
    // Act
    const result = await runCli(['rules', '--no-color'], { tty: true, columns });
    // Assess
    const lines = result.stdout.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(columns);
    expect(result.stdout).toContain('NIST AC-3(15)');
    expect(result.stdout).toContain('iam-user-unused-credentials-check');
    if (columns === 200) expect(lines.filter((l) => l.startsWith('  controls')).length).toBe(RULES.length);
  });

  it('refuses a bad --format in one line, exit 2', async () => {
    // Act
    const result = await runCli(['rules', '--format', 'csv']);
    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe('keywarden: --format: must be one of table, json (got "csv")');
  });

  it('--help shows examples', async () => {
    const result = await runCli(['rules', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('keywarden rules --format json');
  });
});
