/**
 * The audit report as SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), the format
 * code-scanning dashboards ingest, shaped so that GitHub code scanning accepts it. Pure: report in,
 * text out.
 *
 * - one `reportingDescriptor` (rule) per Keywarden rule, in report order, whose `properties.tags`
 *   are `security` and the rule's compliance controls (only the benchmark version's CIS control when
 *   the report names one), and whose `helpUri` is the rule's AWS
 *   Security Hub control page, else its AWS Config rule page (none when it has neither);
 * - one result per finding: open findings as they are; exempt findings and those of a rotation
 *   Keywarden has in progress with a `suppressions` entry (kind `external`, status `accepted`, the
 *   reason as justification), so a dashboard shows them dismissed instead of losing them;
 * - each result has two locations in one: the physical one GitHub requires, a repository-relative
 *   file (`artifactLocation.uri`: the policy file that governed the audit, see
 *   {@link sarifArtifactUri}), and the logical one, the IAM user (its ARN);
 * - `fingerprints` and `partialFingerprints` `{"keywarden/v1": <finding id>}`: `<account>/<user>/
 *   <rule>/<key id | key-slot-N | password | user>`, the same finding keeps it from run to run, so a
 *   dashboard tracks it whatever the file path or message says;
 * - account errors make `executionSuccessful` false and are listed as notifications.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { AuditReport, Finding } from '../core/audit-report.js';
import { isOpen } from '../core/audit-summary.js';
import { complianceRefs } from '../core/compliance.js';
import { RULE_IDS, RULES_BY_ID, type RuleId } from '../core/rules/registry.js';
import type { RuleCompliance, Severity } from '../core/rules/types.js';

const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** The key of `fingerprints`: a dashboard matches findings across runs by it, so it never changes. */
const SARIF_FINGERPRINT = 'keywarden/v1';
/**
 * The file results point at when the audit read no policy file inside the working directory: the
 * policy file Keywarden looks for first, i.e. where this audit's policy would be written down.
 */
const DEFAULT_SARIF_ARTIFACT = 'keywarden.yaml';
/** GitHub code scanning keeps at most 10 tags per rule (and rejects a rule with more than 20). */
const MAX_RULE_TAGS = 10;

type Level = 'error' | 'warning' | 'note';

/** critical and high → error, medium → warning, low → note. */
const LEVEL: Readonly<Record<Severity, Level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};
/**
 * The 0-10 score GitHub code scanning reads from `security-severity` (critical above 9.0, high 7.0 to
 * 8.9, medium 4.0 to 6.9, low 0.1 to 3.9).
 */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

interface SarifMessage {
  readonly text: string;
}

interface SarifRule {
  readonly id: RuleId;
  readonly name: string;
  readonly shortDescription: SarifMessage;
  readonly fullDescription: SarifMessage;
  /** What to do about a finding of this rule. */
  readonly help: SarifMessage;
  readonly helpUri?: string;
  readonly defaultConfiguration: { readonly level: Level; readonly enabled: boolean };
  readonly properties: {
    readonly tags: readonly string[];
    readonly 'security-severity': string;
    /** Every control the rule implements (the tags keep the first ones GitHub shows). */
    readonly compliance: readonly string[];
  };
}

interface SarifSuppression {
  readonly kind: 'external';
  readonly status: 'accepted';
  readonly justification: string;
}

interface SarifResult {
  readonly ruleId: RuleId;
  readonly ruleIndex: number;
  readonly kind: 'fail';
  readonly level: Level;
  readonly message: SarifMessage;
  readonly locations: readonly {
    readonly physicalLocation: { readonly artifactLocation: { readonly uri: string } };
    readonly logicalLocations: readonly {
      readonly name: string;
      readonly fullyQualifiedName: string;
      readonly kind: 'resource';
    }[];
  }[];
  readonly fingerprints: Readonly<Record<string, string>>;
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly suppressions?: readonly SarifSuppression[];
  readonly properties: {
    readonly findingId: string;
    readonly accountId: string;
    readonly userName: string;
    readonly credential: Finding['credential'];
    readonly accessKeyId: string | null;
    readonly severity: Severity;
    readonly ageDays: number | null;
    readonly lastUsedDaysAgo: number | null;
    readonly compliance: readonly string[];
  };
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly [
    {
      readonly tool: {
        readonly driver: {
          readonly name: string;
          readonly version: string;
          readonly rules: readonly SarifRule[];
        };
      };
      readonly invocations: readonly {
        readonly executionSuccessful: boolean;
        readonly endTimeUtc: string;
        readonly toolExecutionNotifications: readonly {
          readonly level: Level;
          readonly message: SarifMessage;
        }[];
      }[];
      readonly results: readonly SarifResult[];
      readonly properties: { readonly accounts: readonly string[]; readonly summary: AuditReport['summary'] };
    },
  ];
}

export interface SarifOptions {
  /** The repository-relative file every result points at ({@link sarifArtifactUri}). */
  readonly artifactUri: string;
}

/**
 * The `artifactLocation.uri` of every result: the policy file that governed the audit, relative to
 * the working directory (run the audit from the repository root), with `/` separators and each
 * segment percent-encoded. When the audit read no policy file (a preset or the defaults) or the file
 * is outside the working directory, {@link DEFAULT_SARIF_ARTIFACT}.
 */
export function sarifArtifactUri(cwd: string, policyPath: string | null): string {
  if (policyPath === null) return DEFAULT_SARIF_ARTIFACT;
  const path = relative(cwd, policyPath);
  if (path === '' || path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) {
    return DEFAULT_SARIF_ARTIFACT;
  }
  return path.split(sep).map(encodeURIComponent).join('/');
}

/** The SARIF log as data. */
function toSarif(report: AuditReport, options: SarifOptions): SarifLog {
  const enabled = new Set(report.policy.enabledRules);
  const rules: SarifRule[] = RULE_IDS.map((id) => {
    const rule = RULES_BY_ID[id];
    // Under a one-version preset (report.benchmark), only that CIS version's control, as the findings.
    const cis = report.benchmark === null ? undefined : [report.benchmark.version];
    const compliance = complianceRefs(rule.compliance, cis).map((c) => c.label);
    const helpUri = ruleHelpUri(rule.compliance);
    return {
      id,
      name: pascalCase(rule.title),
      shortDescription: { text: `${rule.title}.` },
      fullDescription: { text: rule.description },
      help: { text: rule.recommendation },
      ...(helpUri === null ? {} : { helpUri }),
      defaultConfiguration: { level: LEVEL[rule.severity], enabled: enabled.has(id) },
      properties: {
        tags: ['security', ...compliance].slice(0, MAX_RULE_TAGS),
        'security-severity': SECURITY_SEVERITY[rule.severity],
        compliance,
      },
    };
  });
  const notifications = [
    ...report.accounts
      .filter((a) => a.status === 'error')
      .map((a) => ({ level: 'error' as const, message: { text: `Account ${a.accountId}: ${a.error}` } })),
    ...report.warnings.map((w) => ({ level: 'warning' as const, message: { text: w } })),
  ];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: report.tool.name, version: report.tool.version, rules } },
        invocations: [
          {
            executionSuccessful: report.summary.accountErrors === 0,
            endTimeUtc: report.evaluatedAt,
            toolExecutionNotifications: notifications,
          },
        ],
        results: report.findings.map((f) => toResult(f, options)),
        properties: { accounts: report.accounts.map((a) => a.accountId), summary: report.summary },
      },
    ],
  };
}

/** The SARIF log as 2-space JSON with a trailing newline. */
export function renderSarif(report: AuditReport, options: SarifOptions): string {
  return `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
}

/**
 * The rule's page in AWS's documentation: its Security Hub control (the IAM controls page, anchored
 * at the control), else its AWS Config managed rule; null when it maps to neither.
 */
function ruleHelpUri(compliance: RuleCompliance): string | null {
  const control = compliance.securityHub[0];
  if (control !== undefined) {
    const [service = '', number = ''] = control.toLowerCase().split('.');
    return `https://docs.aws.amazon.com/securityhub/latest/userguide/${service}-controls.html#${service}-${number}`;
  }
  if (compliance.awsConfigRule !== null) {
    return `https://docs.aws.amazon.com/config/latest/developerguide/${compliance.awsConfigRule}.html`;
  }
  return null;
}

/** Why a finding needs no action now, for a dashboard to show it dismissed; null when it is open. */
function suppression(f: Finding): SarifSuppression | null {
  if (isOpen(f)) return null;
  if (f.exempt) {
    const until = f.exemptUntil === null ? '' : ` (until ${f.exemptUntil})`;
    const source = f.exemptSource === null ? '' : ` [${f.exemptSource}]`;
    return {
      kind: 'external',
      status: 'accepted',
      justification: `Exempt: ${f.exemptReason ?? 'no reason given'}${until}${source}`,
    };
  }
  const r = f.rotationInProgress;
  const from = r?.deactivateFrom == null ? '' : `; the old key is deactivated from ${r.deactivateFrom}`;
  return {
    kind: 'external',
    status: 'accepted',
    justification: `Keywarden rotation ${r?.runId ?? ''} in progress: new key ${r?.newAccessKeyId ?? ''}${from}`,
  };
}

function toResult(f: Finding, options: SarifOptions): SarifResult {
  const suppressed = suppression(f);
  return {
    ruleId: f.rule,
    ruleIndex: RULE_IDS.indexOf(f.rule),
    kind: 'fail',
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: options.artifactUri } },
        logicalLocations: [{ name: f.userName, fullyQualifiedName: f.userArn, kind: 'resource' }],
      },
    ],
    fingerprints: { [SARIF_FINGERPRINT]: f.id },
    partialFingerprints: { [SARIF_FINGERPRINT]: f.id },
    ...(suppressed === null ? {} : { suppressions: [suppressed] }),
    properties: {
      findingId: f.id,
      accountId: f.accountId,
      userName: f.userName,
      credential: f.credential,
      accessKeyId: f.accessKeyId,
      severity: f.severity,
      ageDays: f.ageDays,
      lastUsedDaysAgo: f.lastUsedDaysAgo,
      compliance: f.compliance.map((c) => c.label),
    },
  };
}

/** `Access keys rotated` → `AccessKeysRotated`: SARIF's `name` is an identifier-like label. */
function pascalCase(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => `${w[0]?.toUpperCase() ?? ''}${w.slice(1)}`)
    .join('');
}
