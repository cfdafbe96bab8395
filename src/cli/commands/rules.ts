/**
 * `keywarden rules`: every rule Keywarden knows, as `prowler --list-checks` lists its checks: id,
 * title, severity, default thresholds, the AWS Config managed rule it matches, its compliance ids
 * and how its findings are remediated. Read from the rule registry; calls nothing.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { type ComplianceRef, complianceRefs } from '../../core/compliance.js';
import { type AnyRule, RULES } from '../../core/rules/registry.js';
import type { RuleRemediation, Severity } from '../../core/rules/types.js';
import { parseChoice } from '../errors.js';
import { type CliIO, outputColumns } from '../io.js';
import { fitRow } from '../render/fit.js';

const FORMATS = ['table', 'json'] as const;

interface RulesFlags {
  readonly format: string;
  readonly color?: boolean;
}

/**
 * How a rule's findings are remediated: by the credential lifecycle, each finding by one action, or
 * not at all (reported only). `actions` are every action type it may plan.
 */
type RemediationEntry =
  | { readonly kind: 'lifecycle'; readonly actions: readonly string[] }
  | { readonly kind: 'each-finding'; readonly action: string; readonly actions: readonly string[] }
  | { readonly kind: 'reported-only'; readonly actions: readonly [] };

/** One rule as `keywarden rules --format json` writes it. */
interface RuleEntry {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** `user`: judged per IAM user; `account`: judged on the root user. */
  readonly scope: 'user' | 'account';
  readonly enabledByDefault: boolean;
  /** The rule's parameters (`rules.<id>.<param>`) at their defaults. */
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly description: string;
  /** The AWS Config managed rule it matches; null when AWS Config has none. */
  readonly awsConfigRule: string | null;
  /** Every control it maps to, CIS in every version Keywarden maps (docs/reports.md). */
  readonly compliance: readonly ComplianceRef[];
  readonly remediation: RemediationEntry;
  readonly recommendation: string;
}

function remediationOf(rule: AnyRule): RemediationEntry {
  // Widened: today's rules all use the lifecycle, but a rule may remediate each finding.
  const r = rule.remediation as RuleRemediation | null;
  if (r === null) return { kind: 'reported-only', actions: [] };
  const actions = r.actions.map((a) => a.type);
  switch (r.kind) {
    case 'lifecycle':
      return { kind: 'lifecycle', actions };
    case 'each-finding':
      return { kind: 'each-finding', action: r.action.type, actions };
    default:
      return r satisfies never;
  }
}

function entryOf(rule: AnyRule): RuleEntry {
  const { enabled, ...defaults } = rule.defaults;
  return {
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    scope: rule.scope,
    enabledByDefault: enabled,
    defaults,
    description: rule.description,
    awsConfigRule: rule.compliance.awsConfigRule,
    compliance: complianceRefs(rule.compliance),
    remediation: remediationOf(rule),
    recommendation: rule.recommendation,
  };
}

function remediationText(entry: RuleEntry): string {
  const r = entry.remediation;
  switch (r.kind) {
    case 'lifecycle':
      return `the credential lifecycle (keywarden apply): ${r.actions.join(', ')}`;
    case 'each-finding':
      return `each finding: ${r.action} (keywarden apply)`;
    case 'reported-only':
      return entry.scope === 'account'
        ? 'reported only (Keywarden never changes root credentials)'
        : 'reported only';
    default:
      return r satisfies never;
  }
}

/** `CIS v3.0.0 1.14`, `IAM.3`, `NIST AC-2(1)`: the AWS Config rule has its own line. */
function controlTokens(refs: readonly ComplianceRef[]): string[] {
  return refs
    .filter((r) => r.standard !== 'aws-config')
    .map((r) => {
      switch (r.standard) {
        case 'cis':
          return `CIS v${r.version ?? ''} ${r.control}`;
        case 'nist-800-53':
          return `NIST ${r.control}`;
        case 'security-hub':
        case 'aws-config':
          return r.control;
        default:
          return r.standard satisfies never;
      }
    });
}

function renderTable(entries: readonly RuleEntry[], width: number, color: boolean): string {
  const c = pc.createColors(color);
  const idWidth = Math.max(...entries.map((e) => e.id.length));
  const lines: string[] = [];
  for (const e of entries) {
    const state = e.enabledByDefault ? 'on by default' : 'off by default';
    lines.push(
      ...fitRow(
        '',
        [c.bold(e.id.padEnd(idWidth)), e.severity.toUpperCase().padEnd(8)],
        `${e.title} (${state})`,
        width,
      ),
    );
    const params = Object.entries(e.defaults).map(([name, value]) => `${name} ${String(value)}`);
    const label = (text: string, pad = 12) => c.dim(text.padEnd(pad));
    const row = (name: string, text: string) => lines.push(...fitRow('  ', [label(name)], text, width));
    // A list of ids: each id stays whole on its line.
    const list = (name: string, items: readonly string[]) => {
      if (items.length === 0) return row(name, '-');
      const cells = items.map((item, i) => (i < items.length - 1 ? `${item},` : item));
      lines.push(
        ...fitRow('  ', [label(name, 13), ...cells], null, width, { separator: ' ', hang: ' '.repeat(16) }),
      );
    };
    row('checks', e.description);
    list('defaults', params);
    row('AWS Config', e.awsConfigRule ?? '-');
    list('controls', controlTokens(e.compliance));
    row('remediation', remediationText(e));
    lines.push('');
  }
  lines.push(
    ...fitRow(
      '',
      [],
      `${entries.length} rules · thresholds are days; set them under rules.<id> in keywarden.yaml ` +
        '(keywarden init writes every one)',
      width,
    ),
  );
  return `${lines.join('\n')}\n`;
}

export function registerRules(program: Command, io: CliIO): void {
  program
    .command('rules')
    .description(
      'List every rule: id, severity, default thresholds, AWS Config rule, compliance ids, remediation',
    )
    .option('--format <format>', 'table or json', 'table')
    .option('--no-color', 'no ANSI colors in the table')
    .addHelpText(
      'after',
      `
Reads the rule registry only: no AWS call, no policy file. The controls are the CIS AWS Foundations
Benchmark (each version Keywarden maps), AWS Security Hub and NIST SP 800-53 r5 ids; docs/reports.md
cites where each comes from.

Examples:
  $ keywarden rules
  $ keywarden rules --format json | jq -r '.rules[] | [.id, .awsConfigRule] | @tsv'
  $ keywarden rules --format json | jq '.rules[] | select(.remediation.kind == "reported-only") | .id'`,
    )
    .action((flags: RulesFlags) => {
      const format = parseChoice('--format', flags.format, FORMATS);
      const entries = RULES.map(entryOf);
      switch (format) {
        case 'json':
          io.stdout.write(`${JSON.stringify({ schemaVersion: 1, rules: entries }, null, 2)}\n`);
          return;
        case 'table':
          io.stdout.write(
            renderTable(
              entries,
              outputColumns(io),
              flags.color !== false && !io.env.NO_COLOR && !!io.stdout.isTTY,
            ),
          );
          return;
        default:
          return format satisfies never;
      }
    });
}
