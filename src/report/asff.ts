/**
 * The audit report in the AWS Security Finding Format (ASFF 2018-10-08), as BatchImportFindings
 * takes it. Pure: report in, findings out. One ASFF finding per audit finding, all `ACTIVE`:
 *
 * - `Compliance.Status` is `FAILED` for an open finding and `WARNING` for one that is exempt or part
 *   of a rotation Keywarden has in progress, with the reason in `Compliance.StatusReasons` (the
 *   check fails, but nobody has to act: neither PASSED nor FAILED is true);
 * - `Compliance.SecurityControlId` is the rule's Security Hub control (for unused credentials IAM.22
 *   when the policy's threshold is 45 days or less, else IAM.8), `Compliance.RelatedRequirements`
 *   its CIS and NIST SP 800-53 r5 requirements as Security Hub writes them, and `Types` adds each of
 *   those standards' taxonomy type;
 * - `Id` = `keywarden/<finding id>`: stable across runs, so a re-import updates the same finding;
 * - `ProductArn` = the account's default product (`product/<account>/default`): Security Hub
 *   accepts a default-product finding only from the account it is about;
 * - `GeneratorId` = `keywarden/<rule>`; `Types` in the "Software and Configuration Checks" namespace;
 * - `Severity.Label` follows Keywarden's severity (critical → CRITICAL, high → HIGH...), also
 *   given in `FindingProviderFields` (what Security Hub reads when a finding is updated);
 * - `Resources`: the IAM user (`AwsIamUser`) and, when the key id is known, the access key
 *   (`AwsIamAccessKey`); the root user's findings name the account (`AwsAccount`).
 */
import {
  ASFF_GENERATOR_PREFIX,
  ASFF_ID_PREFIX,
  ASFF_MAX_RELATED_REQUIREMENTS,
  ASFF_SCHEMA_VERSION,
  ASFF_SEVERITY_LABEL,
  ASFF_STANDARD_TYPES,
  ASFF_TYPE,
  type AsffCompliance,
  type AsffFinding,
  type AsffResource,
  defaultProductArn,
  partitionOf,
  securityControlId,
} from '../core/asff.js';
import type { AuditReport, Finding } from '../core/audit-report.js';
import { ROOT_USER_NAME } from '../core/model.js';
import { RULES_BY_ID } from '../core/rules/registry.js';

export interface AsffOptions {
  /** The Security Hub region the findings go to (IAM is global; the hub is regional). */
  readonly region: string;
}

/** Every finding of `report` as ASFF, dated `report.evaluatedAt`. */
export function toAsff(report: AuditReport, options: AsffOptions): AsffFinding[] {
  return report.findings.map((f) => asffFinding(f, report, options));
}

/** `{"Findings": [...]}`: the BatchImportFindings request body (at most 100 findings per call). */
export function renderAsff(report: AuditReport, options: AsffOptions): string {
  return `${JSON.stringify({ Findings: toAsff(report, options) }, null, 2)}\n`;
}

function asffFinding(f: Finding, report: AuditReport, options: AsffOptions): AsffFinding {
  const rule = RULES_BY_ID[f.rule];
  const partition = partitionOf(f.userArn);
  const severity = { Label: ASFF_SEVERITY_LABEL[f.severity], Original: f.severity };
  const at = report.evaluatedAt;
  const types = standardTypes(f);
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: `${ASFF_ID_PREFIX}${f.id}`,
    ProductArn: defaultProductArn(partition, options.region, f.accountId),
    GeneratorId: `${ASFF_GENERATOR_PREFIX}${f.rule}`,
    AwsAccountId: f.accountId,
    Types: types,
    CreatedAt: at,
    UpdatedAt: at,
    FirstObservedAt: at,
    LastObservedAt: at,
    Severity: severity,
    Title: truncate(`${rule.title}: ${f.userName}`, 256),
    Description: truncate(f.message, 1024),
    Remediation: { Recommendation: { Text: rule.recommendation } },
    ProductFields: productFields(f, report),
    Resources: resources(f, partition, options.region),
    Compliance: compliance(f, report),
    FindingProviderFields: { Severity: severity, Types: types },
    RecordState: 'ACTIVE',
  };
}

/** The Security Hub words of the finding's controls, and FAILED or WARNING with the reason. */
function compliance(f: Finding, report: AuditReport): AsffCompliance {
  const ids = f.compliance.filter((c) => c.standard === 'security-hub').map((c) => c.control);
  const control = securityControlId(ids, report.policy.unusedDays);
  const requirements = f.compliance
    .filter((c) => c.standard === 'cis' || c.standard === 'nist-800-53')
    .map((c) => c.label)
    .slice(0, ASFF_MAX_RELATED_REQUIREMENTS);
  const reason = notOpenReason(f);
  return {
    Status: reason === null ? 'FAILED' : 'WARNING',
    ...(reason === null ? {} : { StatusReasons: [reason] }),
    ...(control === null ? {} : { SecurityControlId: control }),
    ...(requirements.length === 0 ? {} : { RelatedRequirements: requirements }),
  };
}

/** Why a finding needs no action (exempt, or part of a rotation in progress); null for an open one. */
function notOpenReason(f: Finding): NonNullable<AsffCompliance['StatusReasons']>[number] | null {
  if (f.exempt) {
    const until = f.exemptUntil === null ? '' : ` until ${f.exemptUntil}`;
    const source = f.exemptSource === null ? '' : ` (${f.exemptSource})`;
    return {
      ReasonCode: 'KEYWARDEN_EXEMPT',
      Description: truncate(`Exempt${until}${source}: ${f.exemptReason ?? 'no reason given'}`, 1024),
    };
  }
  const rotation = f.rotationInProgress;
  if (rotation === null) return null;
  const from =
    rotation.deactivateFrom === null ? '' : `; the old key is deactivated from ${rotation.deactivateFrom}`;
  return {
    ReasonCode: 'KEYWARDEN_ROTATION_IN_PROGRESS',
    Description: `Keywarden rotation ${rotation.runId} in progress: new key ${rotation.newAccessKeyId}${from}`,
  };
}

/** The general type, then one per standard the finding maps to (CIS, NIST SP 800-53). */
function standardTypes(f: Finding): string[] {
  const types = [ASFF_TYPE];
  for (const ref of f.compliance) {
    const type = ASFF_STANDARD_TYPES[ref.standard];
    if (type !== undefined && !types.includes(type)) types.push(type);
  }
  return types;
}

function resources(f: Finding, partition: string, region: string): AsffResource[] {
  if (f.userName === ROOT_USER_NAME) {
    return [
      { Type: 'AwsAccount', Id: `AWS::::Account:${f.accountId}`, Partition: partition, Region: region },
    ];
  }
  const user: AsffResource = {
    Type: 'AwsIamUser',
    Id: f.userArn,
    Partition: partition,
    Region: region,
    Details: { AwsIamUser: { UserName: f.userName } },
  };
  if (f.credential !== 'access-key' || f.accessKeyId === null) return [user];
  return [
    user,
    {
      Type: 'AwsIamAccessKey',
      Id: f.accessKeyId,
      Partition: partition,
      Region: region,
      Details: {
        AwsIamAccessKey: {
          AccessKeyId: f.accessKeyId,
          PrincipalName: f.userName,
          PrincipalType: 'IAMUser',
          AccountId: f.accountId,
          // Every access-key rule judges active keys only.
          Status: 'Active',
        },
      },
    },
  ];
}

function productFields(f: Finding, report: AuditReport): Record<string, string> {
  const fields: Record<string, string> = {
    ProviderName: 'Keywarden',
    ProviderVersion: report.tool.version,
    'keywarden/FindingId': f.id,
    'keywarden/Rule': f.rule,
    'keywarden/Credential': f.credential,
  };
  if (f.ageDays !== null) fields['keywarden/AgeDays'] = String(f.ageDays);
  if (f.lastUsedDaysAgo !== null) fields['keywarden/LastUsedDaysAgo'] = String(f.lastUsedDaysAgo);
  const configRule = f.compliance.find((c) => c.standard === 'aws-config');
  if (configRule !== undefined) fields['keywarden/AwsConfigRule'] = configRule.control;
  return fields;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
