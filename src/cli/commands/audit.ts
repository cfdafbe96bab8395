import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { auditAccount } from '../../aws/audit-account.js';
import { createClients } from '../../aws/clients.js';
import { type AuditReport, buildAuditReport, type FailOn, hasFailure } from '../../core/audit.js';
import { INVENTORY_MODES, type InventoryMode, type Policy } from '../../core/policy.js';
import { addAwsOptions, awsFailure, connectionFrom } from '../connection.js';
import { CliError, parseChoice } from '../errors.js';
import type { CliIO } from '../io.js';
import { formatFromOutput } from '../output-format.js';
import { VERSION } from '../paths.js';
import { loadPolicy } from '../policy-loader.js';
import { renderCsv } from '../render/csv.js';
import { renderJson } from '../render/json.js';
import { renderTable } from '../render/table.js';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];
/** `--output` extensions that choose the format when `--format` is not given. */
const FORMAT_BY_EXTENSION: Readonly<Record<string, Format>> = { '.json': 'json', '.csv': 'csv' };
const FAIL_ON = ['any', 'high', 'none'] as const;

export interface AuditFlags {
  readonly config?: string;
  readonly preset?: string;
  readonly format?: string;
  readonly output?: string;
  readonly now?: string;
  readonly failOn: string;
  readonly inventory?: string;
  readonly maxKeyAgeDays?: string;
  readonly unusedDays?: string;
  readonly color?: boolean;
  readonly profile?: string;
  readonly region?: string;
  readonly endpointUrl?: string;
}

export function parseNow(raw: string | undefined): Date {
  if (raw === undefined) return new Date();
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new CliError(
      `--now: must be an ISO-8601 time such as 2026-11-22T12:00:00Z (got ${JSON.stringify(raw)})`,
    );
  }
  return new Date(ms);
}

export interface RunAuditResult {
  readonly report: AuditReport;
  readonly policy: Policy;
}

/** Validates flags and policy (no AWS call before this succeeds), then audits the account. */
export async function runAudit(
  flags: AuditFlags,
  io: CliIO,
  progress: (m: string) => void,
): Promise<RunAuditResult> {
  const now = parseNow(flags.now);
  const mode: InventoryMode | undefined =
    flags.inventory === undefined ? undefined : parseChoice('--inventory', flags.inventory, INVENTORY_MODES);
  const loaded = loadPolicy({
    cwd: io.cwd,
    config: flags.config,
    preset: flags.preset,
    overrides: { maxKeyAgeDays: flags.maxKeyAgeDays, unusedDays: flags.unusedDays },
  });
  for (const w of loaded.warnings) io.stderr.write(`keywarden: warning: ${w}\n`);
  const policy: Policy = mode
    ? { ...loaded.policy, inventory: { ...loaded.policy.inventory, mode } }
    : loaded.policy;
  const connection = connectionFrom(flags, io.env);
  const clients = createClients(connection);
  try {
    const audit = await auditAccount(clients, policy, { now, onProgress: progress });
    return {
      report: buildAuditReport([audit], policy, now, { name: 'keywarden', version: VERSION }),
      policy,
    };
  } catch (error) {
    throw awsFailure(error, connection);
  } finally {
    clients.iam.destroy();
    clients.sts.destroy();
    clients.ssm.destroy();
  }
}

export function render(report: AuditReport, format: Format, color: boolean): string {
  switch (format) {
    case 'table':
      return renderTable(report, { color });
    case 'json':
      return renderJson(report);
    case 'csv':
      return renderCsv(report);
  }
}

export function registerAudit(program: Command, io: CliIO, setExitCode: (code: number) => void): void {
  const command = program
    .command('audit')
    .description('Judge every IAM user credential in an account against the policy (read-only)')
    .option('--config <file>', 'policy file (default: ./keywarden.yaml if present)')
    .option('--preset <name>', 'start from a preset: aws-config, cis, rotation-165-180-185')
    .option(
      '--format <format>',
      'table, json or csv (default: from the --output extension, else table on a terminal, json otherwise)',
    )
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--now <iso-time>', 'evaluate as of this time (what-if); default: now')
    .option('--fail-on <level>', 'exit 1 when a non-exempt finding reaches: any, high, none', 'any')
    .option('--inventory <mode>', 'report (credential report, few calls) or live (per-user API calls)')
    .option('--max-key-age-days <n>', 'KEY_ROTATION threshold (overrides the policy)')
    .option('--unused-days <n>', 'UNUSED_CREDENTIALS threshold (overrides the policy)')
    .option('--no-color', 'no ANSI colors in the table');
  addAwsOptions(command).addHelpText(
    'after',
    `
Exit codes: 0 no finding at --fail-on, 1 findings, 2 usage, policy or credentials error.

Examples:
  $ keywarden audit
  $ keywarden audit --preset cis --format json --output audit.json
  $ keywarden audit --profile prod --fail-on high
  $ keywarden audit --inventory live --max-key-age-days 180
  $ keywarden audit --endpoint-url http://127.0.0.1:4566 --now 2027-03-01T00:00:00Z`,
  );
  command.action(async (flags: AuditFlags) => {
    const format: Format =
      flags.format === undefined
        ? (formatFromOutput(flags.output, FORMAT_BY_EXTENSION) ?? (io.stdout.isTTY ? 'table' : 'json'))
        : parseChoice('--format', flags.format, FORMATS);
    const failOn: FailOn = parseChoice('--fail-on', flags.failOn, FAIL_ON);
    const progress = io.stderr.isTTY ? (m: string) => io.stderr.write(`\r\x1b[2K… ${m}`) : () => {};
    const { report } = await runAudit(flags, io, progress);
    if (io.stderr.isTTY) io.stderr.write('\r\x1b[2K');
    const color =
      flags.color !== false && !io.env.NO_COLOR && (flags.output === undefined ? !!io.stdout.isTTY : false);
    const text = render(report, format, color);
    if (flags.output !== undefined) {
      writeFileSync(resolve(io.cwd, flags.output), text);
      io.stderr.write(`keywarden: wrote ${format} report to ${flags.output}\n`);
    } else {
      io.stdout.write(text);
    }
    setExitCode(hasFailure(report, failOn) ? 1 : 0);
  });
}
