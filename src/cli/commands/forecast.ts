import type { Command } from 'commander';
import { type ForecastFilter, filterForecast } from '../../core/finding-filter.js';
import { type Forecast, MAX_FORECAST_DAYS, MIN_FORECAST_DAYS } from '../../core/forecast.js';
import { forecastRemediation } from '../../engine/forecast.js';
import { addAwsOptions } from '../connection.js';
import { parseIntegerOption } from '../errors.js';
import { addFilterOptions, type FilterFlags, filteredOutLine, parseFilter } from '../filter-options.js';
import { type CliIO, outputColumns } from '../io.js';
import { nowBeforeDataWarning } from '../now-warning.js';
import { writeOutputFile } from '../output-file.js';
import { chooseFormat } from '../output-format.js';
import {
  JOURNAL_HELP,
  progressLine,
  type RemediationFlags,
  remediationContext,
  warn,
} from '../remediation.js';
import { DEFAULT_COLUMNS } from '../render/fit.js';
import { renderForecastCsv, renderForecastTable } from '../render/forecast.js';
import type { Session } from '../session.js';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];
const FORMAT_BY_EXTENSION: Readonly<Record<string, Format>> = { '.json': 'json', '.csv': 'csv' };
const DEFAULT_FORECAST_DAYS = 30;

interface ForecastFlags extends Omit<RemediationFlags, 'maxActions'>, FilterFlags {
  readonly days: string;
  readonly format?: string;
  readonly output?: string;
  readonly ifNobodyActs?: boolean;
}

export function registerForecast(program: Command, io: CliIO, session: Session): void {
  const command = program
    .command('forecast')
    .description(
      'What Keywarden will do day by day if it runs daily as configured (or, with --if-nobody-acts, what falls due if nobody acts): warnings, rotations, deactivations, deletions, exemptions ending; changes nothing',
    )
    .option(
      '--days <n>',
      `how many days ahead, ${MIN_FORECAST_DAYS} to ${MAX_FORECAST_DAYS}`,
      String(DEFAULT_FORECAST_DAYS),
    )
    .option(
      '-f, --format <format>',
      'table, json or csv (default: from the --output extension, else table on a terminal, json otherwise)',
    )
    .option(
      '-o, --output <file>',
      'write the forecast to a file (.json or .csv, else name the format with --format)',
    )
    .option(
      '--if-nobody-acts',
      'what falls due if nobody acts (no run applies anything), instead of simulating daily runs',
    )
    .option('--config <file>', 'policy file (default: ./keywarden.yaml if present)')
    .option(
      '--preset <name>',
      'aws-config (the AWS runbook), cis (CIS v3.0.0), cis-3.0.0, cis-1.4.0, cis-1.2.0, rotation-165-180-185',
    )
    .option('--now <iso-time>', 'forecast from this time (what-if); default: now')
    .option('--journal <location>', `${JOURNAL_HELP}; read only`)
    .option('--inventory <mode>', 'live (default, as plan reads it) or report');
  addFilterOptions(command, 'entries');
  addAwsOptions(command).addHelpText(
    'after',
    `
By default Keywarden's daily runs are simulated with the same planner as \`keywarden plan\`: day 0 is
today's run, and each later day lists the actions that day's run carries out, once each, after the
earlier days' actions (a new key is created, the old one deactivated after the switch-over window,
then deleted). Each run is held to the policy's remediation.maxActions. It assumes every notice is
delivered, credentials used within inUseGraceDays keep being used (others are not), owners switch
to a new key the day it is created, and nobody else changes a credential; the output states this.
--if-nobody-acts instead lists each action on the first day plan would show it, assuming nothing
changes: a deactivation then appears only where the replacement key already exists, and the cap is
ignored. Counts of rotations, deactivations and deletions include only changes to AWS, not
journal-only notes. Read-only: it calls only what plan calls.

Examples:
  $ keywarden forecast
  $ keywarden forecast --days 90 --format csv --output forecast.csv
  $ keywarden forecast --if-nobody-acts --days 30
  $ keywarden forecast --preset rotation-165-180-185 --days 366 --format json
  $ keywarden forecast --now 2027-03-01T00:00:00Z --days 14
  $ keywarden forecast --user 'ci-*' --rule KEY_ROTATION   # only these users' rotations

Filters (--rule, --severity, --user) keep the entries of the rules and users they match (an
exemption ending is kept when one of its rules matches); the counts are of what they kept.`,
  );
  command.action(async (flags: ForecastFlags) => {
    const days = parseIntegerOption('--days', flags.days, MIN_FORECAST_DAYS, MAX_FORECAST_DAYS);
    const format: Format = chooseFormat(
      flags,
      { cwd: io.cwd, interactive: !!io.stdout.isTTY },
      FORMATS,
      FORMAT_BY_EXTENSION,
    );
    const filter = parseFilter(flags);
    const ctx = remediationContext(flags, io, session, { changesAws: false });
    const progress = progressLine(io);
    try {
      warn(io, ctx.warnings);
      const deps = { ...(await ctx.deps({ notify: false })), onProgress: progress.update };
      const forecasted = await forecastRemediation(
        deps,
        ctx.policy,
        days,
        flags.ifNobodyActs === true ? 'if-nobody-acts' : 'simulated',
      );
      const { warnings, nowBeforeData } = forecasted;
      const { forecast, applied } = filterForecast(forecasted.forecast, filter);
      progress.done();
      warn(io, warnings);
      if (flags.now !== undefined && nowBeforeData !== null) {
        warn(io, [nowBeforeDataWarning(deps.clock(), nowBeforeData)]);
      }
      const toTerminal = flags.output === undefined;
      const text = render(forecast, applied, format, {
        color: !!io.stdout.isTTY && !io.env.NO_COLOR && toTerminal,
        columns: toTerminal ? outputColumns(io) : DEFAULT_COLUMNS,
      });
      if (applied !== null && format === 'csv') {
        io.stderr.write(`keywarden: ${filteredOutLine(applied, applied.filteredOut.entries, ENTRIES)}\n`);
      }
      if (flags.output !== undefined) {
        writeOutputFile('--output', io.cwd, flags.output, text);
        io.stderr.write(`keywarden: wrote ${format} forecast to ${flags.output}\n`);
      } else {
        io.stdout.write(text);
      }
    } finally {
      progress.done();
      ctx.close();
    }
  });
}

const ENTRIES = ['entry', 'entries'] as const;

function render(
  forecast: Forecast,
  filter: ForecastFilter | null,
  format: Format,
  table: { readonly color: boolean; readonly columns: number },
): string {
  switch (format) {
    case 'table': {
      const text = renderForecastTable(forecast, table);
      return filter === null
        ? text
        : `${text}${filteredOutLine(filter, filter.filteredOut.entries, ENTRIES)}\n`;
    }
    case 'json':
      // `filter` is null when none was given, as in the audit's JSON.
      return `${JSON.stringify({ ...forecast, filter }, null, 2)}\n`;
    case 'csv':
      return renderForecastCsv(forecast);
  }
}
