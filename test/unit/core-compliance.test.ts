/**
 * Pins every rule's compliance mapping. Each id was checked against the standard's own document
 * (docs/reports.md, "Compliance mapping", cites the source of each): a change here must be
 * deliberate, with its source added to that table.
 */
import { describe, expect, it } from 'vitest';
import { complianceRefs } from '../../src/core/compliance.js';
import { RULES } from '../../src/core/rules/registry.js';
import type { RuleCompliance } from '../../src/core/rules/types.js';

const MAPPING: Readonly<Record<string, RuleCompliance>> = {
  KEY_ROTATION: {
    cis: { '1.2.0': '1.4', '1.4.0': '1.14', '3.0.0': '1.14' },
    securityHub: ['IAM.3'],
    awsConfigRule: 'access-keys-rotated',
    nist80053r5: ['AC-2(1)', 'AC-2(3)', 'AC-3(15)'],
  },
  UNUSED_CREDENTIALS: {
    cis: { '1.2.0': '1.3', '1.4.0': '1.12', '3.0.0': '1.12' },
    securityHub: ['IAM.8', 'IAM.22'],
    awsConfigRule: 'iam-user-unused-credentials-check',
    // IAM.8's list; IAM.22 names no NIST 800-53 control.
    nist80053r5: ['AC-2', 'AC-2(1)', 'AC-2(3)', 'AC-3', 'AC-3(15)', 'AC-3(7)', 'AC-6'],
  },
  MULTIPLE_ACTIVE_KEYS: {
    // Not in CIS v1.2.0; Security Hub has no control and AWS Config only a manual process check.
    cis: { '1.4.0': '1.13', '3.0.0': '1.13' },
    securityHub: [],
    awsConfigRule: null,
    nist80053r5: [],
  },
  ROOT_ACCESS_KEY: {
    cis: { '1.2.0': '1.12', '1.4.0': '1.4', '3.0.0': '1.4' },
    securityHub: ['IAM.4'],
    awsConfigRule: 'iam-root-access-key-check',
    nist80053r5: ['AC-2(1)', 'AC-3(15)', 'AC-3(7)', 'AC-6', 'AC-6(10)', 'AC-6(2)'],
  },
  CONSOLE_WITHOUT_MFA: {
    cis: { '1.2.0': '1.2', '1.4.0': '1.10', '3.0.0': '1.10' },
    securityHub: ['IAM.5'],
    awsConfigRule: 'mfa-enabled-for-iam-console-access',
    nist80053r5: ['AC-2(1)', 'AC-3(15)', 'IA-2(1)', 'IA-2(2)', 'IA-2(6)', 'IA-2(8)'],
  },
  // No CIS, Security Hub or AWS Config control checks for AWS's quarantine policy: deliberately empty.
  EXPOSED_ACCESS_KEY: { cis: {}, securityHub: [], awsConfigRule: null, nist80053r5: [] },
};

describe('compliance mapping', () => {
  it('covers every rule, and no other', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual(Object.keys(MAPPING).sort());
  });

  it.each(RULES.map((r) => [r.id, r] as const))('%s declares the verified controls', (id, rule) => {
    expect(rule.compliance).toEqual(MAPPING[id]);
  });
});

describe('complianceRefs', () => {
  const rotation = MAPPING.KEY_ROTATION as RuleCompliance;

  it('lists CIS newest first, then Security Hub, AWS Config and NIST, each with its label', () => {
    expect(complianceRefs(rotation).map((r) => r.label)).toEqual([
      'CIS AWS Foundations Benchmark v3.0.0/1.14',
      'CIS AWS Foundations Benchmark v1.4.0/1.14',
      'CIS AWS Foundations Benchmark v1.2.0/1.4',
      'AWS Security Hub IAM.3',
      'AWS Config access-keys-rotated',
      'NIST.800-53.r5 AC-2(1)',
      'NIST.800-53.r5 AC-2(3)',
      'NIST.800-53.r5 AC-3(15)',
    ]);
    expect(complianceRefs(rotation)[0]).toEqual({
      standard: 'cis',
      version: '3.0.0',
      control: '1.14',
      label: 'CIS AWS Foundations Benchmark v3.0.0/1.14',
    });
  });

  it('names only the CIS versions asked for, and none for a version without the control', () => {
    const cis = (c: RuleCompliance, versions: Parameters<typeof complianceRefs>[1]) =>
      complianceRefs(c, versions).filter((r) => r.standard === 'cis');
    expect(cis(rotation, ['1.4.0']).map((r) => r.label)).toEqual([
      'CIS AWS Foundations Benchmark v1.4.0/1.14',
    ]);
    expect(cis(MAPPING.MULTIPLE_ACTIVE_KEYS as RuleCompliance, ['1.2.0'])).toEqual([]);
    expect(cis(MAPPING.MULTIPLE_ACTIVE_KEYS as RuleCompliance, ['3.0.0']).map((r) => r.control)).toEqual([
      '1.13',
    ]);
  });
});
