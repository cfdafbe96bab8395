import type { Command } from 'commander';
import { type AuditReport, FAIL_ON_LEVELS, type FailOn } from '../../core/audit-report.js';
import { buildAuditReport, hasFailure } from '../../core/audit-summary.js';
import { describeFilter } from '../../core/finding-filter.js';
import type { Forecast } from '../../core/forecast.js';
import type { NowBeforeData } from '../../core/now-check.js';
import {
  INVENTORY_MODES,
  type InventoryMode,
  KEY_ID_MODES,
  type KeyIdMode,
  type Policy,
} from '../../core/policy/types.js';
import { auditAccount } from '../../engine/audit.js';
import { DEFAULT_REGION } from '../../engine/connect.js';
import { forecastRemediation } from '../../engine/forecast.js';
import type { Journal } from '../../engine/journal.js';
import { importReport } from '../../engine/security-hub.js';
import type { AuditDeps } from '../../engine/types.js';
import { HTML_CALENDAR_DAYS } from '../../report/html.js';
import { sarifArtifactUri } from '../../report/sarif.js';
import { type AccountFlags, addAccountOptions, parseAccountTarget } from '../accounts.js';
import { addAwsOptions, awsFailure, connectionFrom } from '../connection.js';
import { CliError, parseChoice, parseNow } from '../errors.js';
import {
  addFilterOptions,
  FINDINGS,
  type FilterFlags,
  filteredOutLine,
  parseFilter,
} from '../filter-options.js';
import { type CliIO, outputColumns } from '../io.js';
import { multiAccountAudit } from '../multi-audit.js';
import { nowBeforeDataWarning } from '../now-warning.js';
import { writeOutputFile } from '../output-file.js';
import { chooseFormat } from '../output-format.js';
import { VERSION } from '../paths.js';
import { loadPolicy } from '../policy-loader.js';
import {
  DEFAULT_JOURNAL,
  journalSpec,
  openCommandJournal,
  policyJournal,
  progressLine,
  warn,
} from '../remediation.js';
import {
  AUDIT_FORMAT_BY_EXTENSION,
  AUDIT_FORMATS,
  type AuditFormat,
  renderAuditReport,
} from '../render/audit-formats.js';
import { DEFAULT_COLUMNS } from '../render/fit.js';
import { connect, type Session } from '../session.js';

interface AuditFlags extends AccountFlags, FilterFlags {
  readonly config?: string;
  readonly preset?: string;
  readonly format?: string;
  readonly output?: string;
  readonly now?: string;
  readonly failOn: string;
  readonly inventory?: string;
  readonly keyIds?: string;
  readonly maxKeyAgeDays?: string;
  readonly unusedDays?: string;
  readonly profile?: string;
  readonly region?: string;
  readonly endpointUrl?: string;
  readonly journal?: string;
  readonly toSecurityHub?: boolean;
}

/**
 * The HTML report's calendar: the forecast of the audited account with the audit's own policy,
 * read as `keywarden plan` reads it. An audit is still worth its page when this fails (say, no
 * permission for ListAccessKeys), so the failure is returned as text for the page to show.
 */
async function htmlForecast(
  deps: AuditDeps,
  policy: Policy,
  journal: Journal,
  session: Session,
  io: CliIO,
): Promise<{ readonly forecast: Forecast | null; readonly unavailable?: string }> {
  try {
    const { forecast } = await forecastRemediation({ ...deps, journal }, policy, HTML_CALENDAR_DAYS);
    return { forecast };
  } catch (error) {
    const reason = awsFailure(error, session.connection ?? {}).message;
    io.stderr.write(`keywarden: warning: the HTML report has no rotation calendar: ${reason}\n`);
    return { forecast: null, unavailable: reason };
  }
}

/**
 * Sends the open findings to Security Hub and archives the ones gone since the last import. The
 * endpoint is --endpoint-url, else AWS_ENDPOINT_URL_SECURITYHUB, else AWS_ENDPOINT_URL (the SDK's
 * own order). Findings Security Hub refused are listed, then the command fails (exit 2).
 */
async function toSecurityHub(
  report: AuditReport,
  flags: AuditFlags,
  io: CliIO,
  session: Session,
  now: Date,
): Promise<void> {
  const connection = connectionFrom(
    { ...flags, endpointUrl: flags.endpointUrl ?? io.env.AWS_ENDPOINT_URL_SECURITYHUB },
    io,
  );
  session.connection = connection;
  const region = connection.region ?? DEFAULT_REGION;
  const result = await importReport(connection, report, { region, now });
  io.stderr.write(
    `keywarden: Security Hub (${region}): ${result.imported} open finding(s) imported, ` +
      `${result.notOpen} exempt or rotating (WARNING), ${result.archived} resolved and archived, ` +
      `${result.reopened} re-opened, ${result.failed.length} failed, in ${result.batches} BatchImportFindings ` +
      `and ${result.workflowBatches} BatchUpdateFindings call(s)\n`,
  );
  for (const f of result.failed) {
    io.stderr.write(`keywarden: Security Hub refused finding ${f.Id}: ${f.ErrorCode}: ${f.ErrorMessage}\n`);
  }
  if (result.failed.length > 0) {
    throw new CliError(
      `Security Hub refused ${result.failed.length} finding(s) (listed above); the others were imported`,
    );
  }
}

function keyIdsInLiveMode(keyIds: KeyIdMode, because: string): CliError {
  return new CliError(
    `--key-ids: applies to report mode only; live mode reads every key id (got --key-ids ${keyIds} with ${because})`,
  );
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
    .option(
      '--preset <name>',
      'start from a preset: aws-config, cis (CIS v3.0.0), cis-3.0.0, cis-1.4.0, cis-1.2.0, rotation-165-180-185',
    )
    .option(
      '-f, --format <format>',
      `${AUDIT_FORMATS.join(', ')} (default: from the --output extension, else table on a terminal, json otherwise)`,
    )
    .option(
      '-o, --output <file>',
      `write the report to a file instead of stdout; its extension (${Object.keys(AUDIT_FORMAT_BY_EXTENSION).join(', ')}) picks the format unless --format is given`,
    )
    .option('--now <iso-time>', 'evaluate as of this time (what-if); default: now')
    .option(
      '--fail-on <level>',
      'exit 1 when an open finding reaches this severity or worse: critical, high, medium, low, any, none',
      'any',
    )
    .option('--inventory <mode>', 'report (credential report, few calls) or live (per-user API calls)')
    .option(
      '--key-ids <mode>',
      'report mode: findings (look up the ids of keys with findings) or none (name a key by user, slot and creation date; no per-user key calls)',
    )
    .option('--max-key-age-days <n>', 'KEY_ROTATION threshold (overrides the policy)')
    .option('--unused-days <n>', 'UNUSED_CREDENTIALS threshold (overrides the policy)')
    .option(
      '--to-security-hub',
      'also import the findings into AWS Security Hub: open ones FAILED, exempt ones WARNING; fixed ones are resolved and archived, returning ones re-opened',
    )
    .option(
      '--journal <location>',
      `journal (a file or dynamodb://TABLE), read only: rotations in progress and the html report's calendar (default: KEYWARDEN_JOURNAL, else the policy's journal.location, else ${DEFAULT_JOURNAL})`,
    );
  addFilterOptions(command, 'findings');
  addAccountOptions(addAwsOptions(command)).addHelpText(
    'after',
    `
Exit codes: 0 no finding at --fail-on, 1 findings, 2 usage, policy or credentials error, 3 some
accounts failed (--org/--accounts; the others are in the report with status "ok").

Filters: --rule, --severity and --user keep the findings they match (all three: the findings that
match each); the summary counts those and says how many were filtered out, and --fail-on judges only
them. Users and keys counted are the whole account's.

Many accounts: --org lists the organization's active accounts (--ous, --include-accounts,
--exclude-accounts filter it); --accounts names them. Keywarden assumes --role-name in each (its own
account uses the caller's credentials), --concurrency accounts at a time. json, jsonl and csv stream
account by account; json has the single-account shape (every finding in the top-level "findings").

Formats: table (people), json (schemaVersion 2), jsonl (one finding per line), csv, html (one
self-contained page with charts and a 30-day rotation calendar), sarif (SARIF 2.1.0 as GitHub code
scanning takes it; results point at the policy file, else keywarden.yaml: run from the repository
root), asff (AWS Security Finding Format, the BatchImportFindings body), ocsf (a JSON array of OCSF
1.1.0 Detection Findings, class 2004, as Prowler writes them). --output is a file path: its extension
(.json, .jsonl, .csv, .html, .sarif, .ocsf.json) picks the format unless --format is given, and an
extension Keywarden does not know is refused without --format.

Examples:
  $ keywarden audit
  $ keywarden audit --output audit.html             # the HTML report for people
  $ keywarden audit --output findings.sarif         # SARIF for a dashboard
  $ keywarden audit --output findings.ocsf.json      # OCSF Detection Findings
  $ keywarden audit --format asff --output asff.json
  $ keywarden audit --to-security-hub --region eu-west-1 --fail-on none
  $ keywarden audit --preset cis --format json --output audit.json   # against CIS v3.0.0
  $ keywarden audit --preset cis-1.4.0 --output cis.html            # findings name CIS v1.4.0 controls
  $ keywarden audit --profile prod --fail-on high
  $ keywarden audit --severity high --user 'ci-*' -f json     # only high and critical, CI users
  $ keywarden audit --rule KEY_ROTATION --rule UNUSED_CREDENTIALS -o keys.csv
  $ keywarden audit --org -o findings.jsonl                  # one finding per line, streamed
  $ keywarden audit --inventory live --max-key-age-days 180
  $ keywarden audit --key-ids none --format json --fail-on high   # a fast CI gate: no ListAccessKeys
  $ keywarden audit --endpoint-url http://127.0.0.1:4566 --now 2027-03-01T00:00:00Z
  $ keywarden audit --org --format json --output org.json
  $ keywarden audit --org --ous ou-ab12-prod1234 --exclude-accounts 111122223333
  $ keywarden audit --accounts 111122223333,444455556666 --role-name KeywardenAuditRole`,
  );
  command.action(async (flags: AuditFlags) => {
    const format: AuditFormat = chooseFormat(
      flags,
      { cwd: io.cwd, interactive: !!io.stdout.isTTY },
      AUDIT_FORMATS,
      AUDIT_FORMAT_BY_EXTENSION,
    );
    const failOn: FailOn = parseChoice('--fail-on', flags.failOn, FAIL_ON_LEVELS);
    const filter = parseFilter(flags);
    const target = parseAccountTarget(flags);
    if (target.kind === 'many' && flags.toSecurityHub) {
      throw new CliError('--to-security-hub: one account at a time for now (not with --org or --accounts)');
    }
    if (filter !== null && flags.toSecurityHub) {
      // Security Hub archives what an import leaves out: a filtered import would mark the
      // filtered-out findings resolved.
      throw new CliError(
        `--to-security-hub: not with ${describeFilter(filter)} (Security Hub would archive the findings the filter leaves out as fixed)`,
      );
    }
    const now = flags.now === undefined ? null : parseNow(flags.now);
    const mode: InventoryMode | undefined =
      flags.inventory === undefined
        ? undefined
        : parseChoice('--inventory', flags.inventory, INVENTORY_MODES);
    const keyIds: KeyIdMode | undefined =
      flags.keyIds === undefined ? undefined : parseChoice('--key-ids', flags.keyIds, KEY_ID_MODES);
    if (keyIds !== undefined && mode === 'live') throw keyIdsInLiveMode(keyIds, '--inventory live');
    const loaded = loadPolicy({
      cwd: io.cwd,
      config: flags.config,
      preset: flags.preset,
      overrides: { maxKeyAgeDays: flags.maxKeyAgeDays, unusedDays: flags.unusedDays },
    });
    warn(io, loaded.warnings);
    const policy: Policy = {
      ...loaded.policy,
      inventory: {
        ...loaded.policy.inventory,
        ...(mode === undefined ? {} : { mode }),
        ...(keyIds === undefined ? {} : { keyIds }),
      },
    };
    if (keyIds !== undefined && policy.inventory.mode === 'live') {
      throw keyIdsInLiveMode(keyIds, 'inventory.mode: live in the policy');
    }
    const region = flags.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
    const color = !io.env.NO_COLOR && (flags.output === undefined ? !!io.stdout.isTTY : false);
    const columns = flags.output === undefined ? outputColumns(io) : DEFAULT_COLUMNS;
    const artifactUri = sarifArtifactUri(io.cwd, loaded.path);
    const connection = connectionFrom(flags, io);
    // The journal (read only) tells Keywarden's own rotations in progress apart.
    const journal = openCommandJournal(
      session,
      journalSpec(flags.journal, io, policyJournal(loaded, io)),
      connection,
      io,
    );
    if (target.kind === 'many') {
      session.connection = connection;
      try {
        await journal.verify?.();
        const code = await multiAccountAudit(io, session, {
          target,
          connection,
          policy,
          now,
          format,
          output: flags.output,
          failOn,
          filter,
          journal,
          render: (report) =>
            renderAuditReport(report, format, {
              color,
              columns,
              region,
              artifactUri,
              forecast: null,
              forecastUnavailable: 'the rotation calendar is drawn for one account at a time',
            }),
        });
        setExitCode(code);
      } finally {
        journal.close?.();
      }
      return;
    }
    const clients = connect(session, connection);
    const progress = progressLine(io);
    let report: AuditReport;
    let html: Awaited<ReturnType<typeof htmlForecast>> | null = null;
    let early: NowBeforeData | null = null;
    try {
      // A journal that cannot be used at all (a table that does not exist) is said, not worked around.
      await journal.verify?.();
      // One instant for the whole evaluation and the report's evaluatedAt: --now, else the service's
      // time (the emulator's clock, however far a user moved it).
      if (now === null) await clients.calibrate();
      const at = now ?? clients.serviceNow();
      const deps: AuditDeps = { clients, clock: () => at, onProgress: progress.update };
      const audit = await auditAccount({ ...deps, journal }, policy);
      early = audit.nowBeforeData;
      report = buildAuditReport([audit], policy, at, { name: 'keywarden', version: VERSION }, filter);
      if (format === 'html' && policy.inventory.mode === 'report' && policy.inventory.keyIds === 'none') {
        // The calendar plans, and plans name keys by id: not what an audit without key ids reads.
        html = {
          forecast: null,
          unavailable: 'the rotation calendar names keys by id, and this audit reads none (--key-ids none)',
        };
      } else if (format === 'html') {
        html = await htmlForecast(deps, policy, journal, session, io);
      }
    } finally {
      progress.done();
      clients.close();
      journal.close?.();
    }
    // On stderr in every format; json also keeps them in the report's `warnings`.
    warn(io, report.warnings);
    if (now !== null && early !== null) warn(io, [nowBeforeDataWarning(now, early)]);
    const text = renderAuditReport(report, format, {
      color,
      columns,
      region,
      artifactUri,
      forecast: html?.forecast ?? null,
      ...(html?.unavailable === undefined ? {} : { forecastUnavailable: html.unavailable }),
    });
    if (report.filter !== null && format !== 'table') {
      io.stderr.write(
        `keywarden: ${filteredOutLine(report.filter, report.filter.filteredOut.findings, FINDINGS)}\n`,
      );
    }
    if (flags.output !== undefined) {
      writeOutputFile('--output', io.cwd, flags.output, text);
      io.stderr.write(`keywarden: wrote ${format} report to ${flags.output}\n`);
    } else {
      io.stdout.write(text);
    }
    if (flags.toSecurityHub) await toSecurityHub(report, flags, io, session, new Date(report.evaluatedAt));
    setExitCode(hasFailure(report, failOn) ? 1 : 0);
  });
}
