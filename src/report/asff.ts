/**
 * The audit report in the AWS Security Finding Format (ASFF), as BatchImportFindings takes it.
 * Pure: report in, findings out. One finding per OPEN audit finding (exempt ones need no action).
 *
 * - `Id` = `keywarden/<finding id>`: stable across runs, so a re-import updates the same finding;
 * - `ProductArn` = the account's default product (`product/<account>/default`): Security Hub
 *   accepts a default-product finding only from the account it is about;
 * - `GeneratorId` = `keywarden/<rule>`; `Types` in the "Software and Configuration Checks" namespace;
 * - `Severity.Label` follows Keywarden's severity (high → HIGH, medium → MEDIUM, low → LOW), also
 *   given in `FindingProviderFields` (what Security Hub reads when a finding is updated);
 * - `Resources`: the IAM user (`AwsIamUser`) and, when the key id is known, the access key
 *   (`AwsIamAccessKey`); the root user's findings name the account (`AwsAccount`).
 */
import {
  ASFF_GENERATOR_PREFIX,
  ASFF_ID_PREFIX,
  ASFF_SCHEMA_VERSION,
  ASFF_SEVERITY_LABEL,
  ASFF_TYPE,
  type AsffFinding,
  type AsffResource,
  defaultProductArn,
  partitionOf,
} from '../core/asff.js';
import type { AuditReport, Finding } from '../core/audit-report.js';
import { isOpen } from '../core/audit-summary.js';
import { ROOT_USER_NAME } from '../core/model.js';
import { RULES_BY_ID } from '../core/rules/registry.js';

export interface AsffOptions {
  /** The Security Hub region the findings go to (IAM is global; the hub is regional). */
  readonly region: string;
}

/** The open findings of `report` as ASFF, dated `report.evaluatedAt`. */
export function toAsff(report: AuditReport, options: AsffOptions): AsffFinding[] {
  return report.findings.filter(isOpen).map((f) => asffFinding(f, report, options));
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
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: `${ASFF_ID_PREFIX}${f.id}`,
    ProductArn: defaultProductArn(partition, options.region, f.accountId),
    GeneratorId: `${ASFF_GENERATOR_PREFIX}${f.rule}`,
    AwsAccountId: f.accountId,
    Types: [ASFF_TYPE],
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
    Compliance: { Status: 'FAILED' },
    FindingProviderFields: { Severity: severity, Types: [ASFF_TYPE] },
    RecordState: 'ACTIVE',
  };
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
  return fields;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
