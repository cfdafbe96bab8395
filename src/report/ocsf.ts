/**
 * The audit report as OCSF (Open Cybersecurity Schema Framework) 1.1.0 Detection Findings (class
 * 2004), the class and version of Prowler's OCSF output. Pure: report in, text out.
 *
 * - a JSON array with one Detection Finding per audit finding, as Prowler writes them;
 * - `metadata.version` names the OCSF version, `metadata.product` Keywarden and its version;
 *   `metadata.profiles` is `["cloud"]` (the profile that makes `cloud` part of the event);
 * - every finding is `activity_id` 1 (Create): each audit reports the findings it sees now;
 *   `status_id` 1 (New) when open, 3 (Suppressed) when exempt or when a rotation Keywarden has in
 *   progress explains it, `status_detail` saying why;
 * - `finding_info.uid` is the finding id (`<account>/<user>/<rule>/<key id | ...>`), the same
 *   from run to run, `finding_info.analytic` the rule (type Rule); `confidence_id` 3 (High): a
 *   rule reads exact data; `time` and `finding_info.created_time` are the audit's time in epoch ms;
 * - `cloud` names AWS, the account and the region (IAM is global: the region findings are sent to);
 *   `resources` the IAM user (its ARN) and, when known, the access key; the root user's findings
 *   name the account;
 * - OCSF 1.1.0 has no `compliance` attribute on Detection Finding, so the rule's controls go in
 *   `unmapped.compliance`, shaped as OCSF's Compliance object (as Prowler also puts them in
 *   `unmapped`), with Keywarden's own fields in `unmapped.keywarden`.
 */
import type { AuditReport, Finding } from '../core/audit-report.js';
import { isOpen } from '../core/audit-summary.js';
import type { ComplianceStandard } from '../core/compliance.js';
import { ROOT_USER_NAME } from '../core/model.js';
import { RULES_BY_ID } from '../core/rules/registry.js';
import type { Severity } from '../core/rules/types.js';

/** The OCSF schema version every finding names in `metadata.version`. */
export const OCSF_VERSION = '1.1.0';
const CATEGORY_FINDINGS = 2;
const CLASS_DETECTION_FINDING = 2004;
const ACTIVITY_CREATE = 1;
/** OCSF's Finding `types` entry, the same namespace ASFF findings use. */
const FINDING_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';

/** OCSF `severity_id`: 2 Low, 3 Medium, 4 High, 5 Critical. */
const SEVERITY_ID: Readonly<Record<Severity, 2 | 3 | 4 | 5>> = { low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_CAPTION: Readonly<Record<Severity, string>> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

/** The standard's name as OCSF's Compliance object lists it in `standards`. */
const STANDARD_NAME: Readonly<Record<ComplianceStandard, (version: string | null) => string>> = {
  cis: (version) => `CIS AWS Foundations Benchmark v${version ?? ''}`,
  'security-hub': () => 'AWS Security Hub',
  'aws-config': () => 'AWS Config',
  'nist-800-53': () => 'NIST SP 800-53 Rev. 5',
};

interface OcsfResource {
  readonly uid: string;
  readonly name: string;
  readonly type: 'AwsIamUser' | 'AwsIamAccessKey' | 'AwsAccount';
  readonly cloud_partition: string;
  readonly region: string;
}

/** One OCSF 1.1.0 Detection Finding. */
export interface OcsfDetectionFinding {
  readonly metadata: {
    readonly version: typeof OCSF_VERSION;
    readonly product: { readonly name: string; readonly vendor_name: string; readonly version: string };
    readonly profiles: readonly ['cloud'];
    readonly event_code: string;
    readonly uid: string;
  };
  readonly category_uid: typeof CATEGORY_FINDINGS;
  readonly category_name: 'Findings';
  readonly class_uid: typeof CLASS_DETECTION_FINDING;
  readonly class_name: 'Detection Finding';
  readonly activity_id: typeof ACTIVITY_CREATE;
  readonly activity_name: 'Create';
  readonly type_uid: number;
  readonly type_name: string;
  readonly severity_id: 2 | 3 | 4 | 5;
  readonly severity: string;
  readonly status_id: 1 | 3;
  readonly status: 'New' | 'Suppressed';
  readonly status_detail?: string;
  readonly confidence_id: 3;
  readonly confidence: 'High';
  readonly time: number;
  readonly message: string;
  readonly finding_info: {
    readonly uid: string;
    readonly title: string;
    readonly desc: string;
    readonly types: readonly string[];
    readonly created_time: number;
    readonly analytic: {
      readonly uid: string;
      readonly name: string;
      readonly type_id: 1;
      readonly type: 'Rule';
    };
  };
  readonly cloud: {
    readonly provider: 'AWS';
    readonly account: { readonly uid: string; readonly type_id: 10; readonly type: 'AWS Account' };
    readonly region: string;
  };
  readonly resources: readonly OcsfResource[];
  readonly remediation: { readonly desc: string };
  readonly unmapped: {
    readonly compliance: {
      readonly standards: readonly string[];
      readonly requirements: readonly string[];
      readonly status_id: 3;
      readonly status: 'Fail';
    };
    readonly keywarden: {
      readonly rule: string;
      readonly credential: Finding['credential'];
      readonly accessKeyId: string | null;
      readonly ageDays: number | null;
      readonly lastUsedDaysAgo: number | null;
      readonly exemptUntil: string | null;
    };
  };
}

export interface OcsfOptions {
  /** The region findings name in `cloud.region` (IAM is global; this is where they are sent). */
  readonly region: string;
}

/** Every finding of `report` (exempt ones included, as Suppressed) as OCSF Detection Findings. */
export function toOcsf(report: AuditReport, options: OcsfOptions): OcsfDetectionFinding[] {
  const time = Date.parse(report.evaluatedAt);
  return report.findings.map((f) => detectionFinding(f, report, time, options.region));
}

/** The findings as a 2-space JSON array with a trailing newline. */
export function renderOcsf(report: AuditReport, options: OcsfOptions): string {
  return `${JSON.stringify(toOcsf(report, options), null, 2)}\n`;
}

function detectionFinding(
  f: Finding,
  report: AuditReport,
  time: number,
  region: string,
): OcsfDetectionFinding {
  const rule = RULES_BY_ID[f.rule];
  const open = isOpen(f);
  const detail = statusDetail(f);
  return {
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'Keywarden', vendor_name: 'Keywarden', version: report.tool.version },
      profiles: ['cloud'],
      event_code: f.rule,
      uid: f.id,
    },
    category_uid: CATEGORY_FINDINGS,
    category_name: 'Findings',
    class_uid: CLASS_DETECTION_FINDING,
    class_name: 'Detection Finding',
    activity_id: ACTIVITY_CREATE,
    activity_name: 'Create',
    type_uid: CLASS_DETECTION_FINDING * 100 + ACTIVITY_CREATE,
    type_name: 'Detection Finding: Create',
    severity_id: SEVERITY_ID[f.severity],
    severity: SEVERITY_CAPTION[f.severity],
    status_id: open ? 1 : 3,
    status: open ? 'New' : 'Suppressed',
    ...(detail === null ? {} : { status_detail: detail }),
    // A rule reads exact data (ages, dates, flags): what it reports is so, not a guess.
    confidence_id: 3,
    confidence: 'High',
    time,
    message: f.message,
    finding_info: {
      uid: f.id,
      title: `${rule.title}: ${f.userName}`,
      desc: rule.description,
      types: [FINDING_TYPE],
      created_time: time,
      analytic: { uid: f.rule, name: rule.title, type_id: 1, type: 'Rule' },
    },
    cloud: {
      provider: 'AWS',
      account: { uid: f.accountId, type_id: 10, type: 'AWS Account' },
      region,
    },
    resources: resources(f, region),
    remediation: { desc: rule.recommendation },
    unmapped: {
      compliance: {
        standards: [...new Set(f.compliance.map((c) => STANDARD_NAME[c.standard](c.version)))],
        requirements: f.compliance.map((c) => c.label),
        status_id: 3,
        status: 'Fail',
      },
      keywarden: {
        rule: f.rule,
        credential: f.credential,
        accessKeyId: f.accessKeyId,
        ageDays: f.ageDays,
        lastUsedDaysAgo: f.lastUsedDaysAgo,
        exemptUntil: f.exemptUntil,
      },
    },
  };
}

/** Why a finding is Suppressed: its exemption or the rotation in progress; null when open. */
function statusDetail(f: Finding): string | null {
  if (f.exempt) {
    const until = f.exemptUntil === null ? '' : ` (until ${f.exemptUntil})`;
    return `Exempt: ${f.exemptReason ?? 'no reason given'}${until}`;
  }
  const r = f.rotationInProgress;
  if (r === null) return null;
  return `Keywarden rotation ${r.runId} in progress: new key ${r.newAccessKeyId}`;
}

function resources(f: Finding, region: string): OcsfResource[] {
  const partition = f.userArn.split(':')[1] ?? 'aws';
  const base = { cloud_partition: partition, region };
  if (f.userName === ROOT_USER_NAME) {
    return [{ uid: f.userArn, name: f.accountId, type: 'AwsAccount', ...base }];
  }
  const user: OcsfResource = { uid: f.userArn, name: f.userName, type: 'AwsIamUser', ...base };
  if (f.accessKeyId === null) return [user];
  return [user, { uid: f.accessKeyId, name: f.accessKeyId, type: 'AwsIamAccessKey', ...base }];
}
