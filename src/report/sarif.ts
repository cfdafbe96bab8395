/**
 * The audit report as SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), the format
 * code-scanning dashboards ingest. Pure: report in, text out.
 *
 * - one `reportingDescriptor` (rule) per Keywarden rule, in report order;
 * - one result per OPEN finding (exempt findings are left out, as they need no action);
 * - each result's location is logical: the IAM user (its ARN), since a credential has no file;
 * - `fingerprints["keywarden/v1"]` is the finding id, `<account>/<user>/<rule>/<key id | key-slot-N |
 *   password | user>`: the same finding keeps it from run to run, so a dashboard can track it
 *   (also given as `partialFingerprints`, which some consumers read instead);
 * - account errors make `executionSuccessful` false and are listed as notifications.
 */
import type { AuditReport, Finding } from '../core/audit-report.js';
import { isOpen } from '../core/audit-summary.js';
import { RULE_IDS, RULES_BY_ID, type RuleId } from '../core/rules/registry.js';
import type { Severity } from '../core/rules/types.js';

const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** The key of `fingerprints`: a dashboard matches findings across runs by it, so it never changes. */
const SARIF_FINGERPRINT = 'keywarden/v1';

type Level = 'error' | 'warning' | 'note';

/** high → error, medium → warning, low → note. */
const LEVEL: Readonly<Record<Severity, Level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};
/** The 0-10 score GitHub code scanning reads from `security-severity` (high ≥ 7, medium ≥ 4). */
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
  readonly defaultConfiguration: { readonly level: Level; readonly enabled: boolean };
  readonly properties: { readonly tags: readonly string[]; readonly 'security-severity': string };
}

interface SarifResult {
  readonly ruleId: RuleId;
  readonly ruleIndex: number;
  readonly kind: 'fail';
  readonly level: Level;
  readonly message: SarifMessage;
  readonly locations: readonly {
    readonly logicalLocations: readonly {
      readonly name: string;
      readonly fullyQualifiedName: string;
      readonly kind: 'resource';
    }[];
  }[];
  readonly fingerprints: Readonly<Record<string, string>>;
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly properties: {
    readonly findingId: string;
    readonly accountId: string;
    readonly userName: string;
    readonly credential: Finding['credential'];
    readonly accessKeyId: string | null;
    readonly severity: Severity;
    readonly ageDays: number | null;
    readonly lastUsedDaysAgo: number | null;
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

/** The SARIF log as data. */
function toSarif(report: AuditReport): SarifLog {
  const enabled = new Set(report.policy.enabledRules);
  const rules: SarifRule[] = RULE_IDS.map((id) => {
    const rule = RULES_BY_ID[id];
    return {
      id,
      name: pascalCase(rule.title),
      shortDescription: { text: `${rule.title}.` },
      fullDescription: { text: rule.description },
      help: { text: rule.recommendation },
      defaultConfiguration: { level: LEVEL[rule.severity], enabled: enabled.has(id) },
      properties: { tags: ['security', 'aws', 'iam'], 'security-severity': SECURITY_SEVERITY[rule.severity] },
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
        results: report.findings.filter(isOpen).map(toResult),
        properties: { accounts: report.accounts.map((a) => a.accountId), summary: report.summary },
      },
    ],
  };
}

/** The SARIF log as 2-space JSON with a trailing newline. */
export function renderSarif(report: AuditReport): string {
  return `${JSON.stringify(toSarif(report), null, 2)}\n`;
}

function toResult(f: Finding): SarifResult {
  return {
    ruleId: f.rule,
    ruleIndex: RULE_IDS.indexOf(f.rule),
    kind: 'fail',
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      { logicalLocations: [{ name: f.userName, fullyQualifiedName: f.userArn, kind: 'resource' }] },
    ],
    fingerprints: { [SARIF_FINGERPRINT]: f.id },
    partialFingerprints: { [SARIF_FINGERPRINT]: f.id },
    properties: {
      findingId: f.id,
      accountId: f.accountId,
      userName: f.userName,
      credential: f.credential,
      accessKeyId: f.accessKeyId,
      severity: f.severity,
      ageDays: f.ageDays,
      lastUsedDaysAgo: f.lastUsedDaysAgo,
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
