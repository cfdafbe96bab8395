/**
 * The standards' controls a finding maps to, as every output format carries them: one list built
 * from the rule's own declaration (src/core/rules/types.ts `RuleCompliance`).
 */
import type { CisVersion, RuleCompliance } from './rules/types.js';
import { CIS_VERSIONS } from './rules/types.js';

export type ComplianceStandard = 'cis' | 'security-hub' | 'aws-config' | 'nist-800-53';

/** One control of one standard. */
export interface ComplianceRef {
  readonly standard: ComplianceStandard;
  /** The standard's version (`3.0.0` for CIS, `r5` for NIST); null for Security Hub and AWS Config. */
  readonly version: string | null;
  /** The control as the standard names it: `1.14`, `IAM.3`, `access-keys-rotated`, `AC-2(1)`. */
  readonly control: string;
  /**
   * One readable token, as Security Hub's `Compliance.RelatedRequirements` writes CIS and NIST
   * (`CIS AWS Foundations Benchmark v3.0.0/1.14`, `NIST.800-53.r5 AC-2(1)`), else
   * `AWS Security Hub IAM.3` and `AWS Config access-keys-rotated`.
   */
  readonly label: string;
}

/**
 * The rule's controls, CIS first (one per benchmark version asked for, newest first), then Security
 * Hub, AWS Config and NIST SP 800-53 r5.
 */
export function complianceRefs(
  compliance: RuleCompliance,
  cisVersions: readonly CisVersion[] = CIS_VERSIONS,
): ComplianceRef[] {
  const refs: ComplianceRef[] = [];
  for (const version of [...cisVersions].reverse()) {
    const control = compliance.cis[version];
    if (control === undefined) continue;
    refs.push({
      standard: 'cis',
      version,
      control,
      label: `CIS AWS Foundations Benchmark v${version}/${control}`,
    });
  }
  for (const control of compliance.securityHub) {
    refs.push({ standard: 'security-hub', version: null, control, label: `AWS Security Hub ${control}` });
  }
  if (compliance.awsConfigRule !== null) {
    const control = compliance.awsConfigRule;
    refs.push({ standard: 'aws-config', version: null, control, label: `AWS Config ${control}` });
  }
  for (const control of compliance.nist80053r5) {
    refs.push({ standard: 'nist-800-53', version: 'r5', control, label: `NIST.800-53.r5 ${control}` });
  }
  return refs;
}
