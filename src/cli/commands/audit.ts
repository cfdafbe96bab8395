import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createClients } from '../../aws/clients.js';
import { type AuditReport, buildAuditReport, type FailOn, hasFailure } from '../../core/audit.js';
import { INVENTORY_MODES, type InventoryMode, type Policy } from '../../core/policy/types.js';
import { auditAccount } from '../../engine/audit.js';
import { addAwsOptions, connectionFrom } from '../connection.js';
import { parseChoice, parseNow } from '../errors.js';
import type { CliIO } from '../io.js';
import { VERSION } from '../paths.js';
import { loadPolicy } from '../policy-loader.js';
import { progressLine, warn } from '../remediation.js';
import { renderCsv } from '../render/csv.js';
import { renderJson } from '../render/json.js';
import { renderTable } from '../render/table.js';
import type { Session } from '../session.js';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];
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

export function registerAudit(
  program: Command,
  io: CliIO,
  session: Session,
  setExitCode: (code: number) => void,
): void {
  const command = program
    .command('audit')
    .description('Judge every IAM user credential in an account against the policy (read-only)')
    .option('--config <file>', 'policy file (default: ./keywarden.yaml if present)')
    .option('--preset <name>', 'start from a preset: aws-config, cis, rotation-165-180-185')
    .option('--format <format>', 'table, json or csv (default: table on a terminal, json otherwise)')
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
        ? io.stdout.isTTY
          ? 'table'
          : 'json'
        : parseChoice('--format', flags.format, FORMATS);
    const failOn: FailOn = parseChoice('--fail-on', flags.failOn, FAIL_ON);
    const now = flags.now === undefined ? null : parseNow(flags.now);
    const mode: InventoryMode | undefined =
      flags.inventory === undefined
        ? undefined
        : parseChoice('--inventory', flags.inventory, INVENTORY_MODES);
    const loaded = loadPolicy({
      cwd: io.cwd,
      config: flags.config,
      preset: flags.preset,
      overrides: { maxKeyAgeDays: flags.maxKeyAgeDays, unusedDays: flags.unusedDays },
    });
    warn(io, loaded.warnings);
    const policy: Policy = mode
      ? { ...loaded.policy, inventory: { ...loaded.policy.inventory, mode } }
      : loaded.policy;
    const connection = connectionFrom(flags, io.env);
    session.connection = connection;
    const clients = createClients(connection);
    const progress = progressLine(io);
    // One instant for the whole evaluation and the report's evaluatedAt.
    const at = now ?? new Date();
    const clock = () => at;
    let report: AuditReport;
    try {
      const audit = await auditAccount({ clients, clock, onProgress: progress.update }, policy);
      report = buildAuditReport([audit], policy, at, { name: 'keywarden', version: VERSION });
    } finally {
      progress.done();
      clients.iam.destroy();
      clients.sts.destroy();
      clients.ssm.destroy();
    }
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
