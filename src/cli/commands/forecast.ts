import type { Command } from 'commander';
import { type Forecast, MAX_FORECAST_DAYS, MIN_FORECAST_DAYS } from '../../core/forecast.js';
import { forecastRemediation } from '../../engine/forecast.js';
import { addAwsOptions } from '../connection.js';
import { parseChoice, parseIntegerOption } from '../errors.js';
import { type CliIO, outputColumns } from '../io.js';
import { nowBeforeDataWarning } from '../now-warning.js';
import { checkOutputFile, writeOutputFile } from '../output-file.js';
import { formatFromOutput } from '../output-format.js';
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

interface ForecastFlags extends Omit<RemediationFlags, 'maxActions'> {
  readonly days: string;
  readonly format?: string;
  readonly output?: string;
}

export function registerForecast(program: Command, io: CliIO, session: Session): void {
  const command = program
    .command('forecast')
    .description(
      'What the policy will do day by day if nobody acts: warnings, rotations, deactivations, deletions, exemptions ending; changes nothing',
    )
    .option(
      '--days <n>',
      `how many days ahead, ${MIN_FORECAST_DAYS} to ${MAX_FORECAST_DAYS}`,
      String(DEFAULT_FORECAST_DAYS),
    )
    .option(
      '--format <format>',
      'table, json or csv (default: from the --output extension, else table on a terminal, json otherwise)',
    )
    .option('--output <file>', 'write the forecast to a file')
    .option('--config <file>', 'policy file (default: ./keywarden.yaml if present)')
    .option(
      '--preset <name>',
      'aws-config (the AWS runbook), cis (CIS v3.0.0), cis-3.0.0, cis-1.4.0, cis-1.2.0, rotation-165-180-185',
    )
    .option('--now <iso-time>', 'forecast from this time (what-if); default: now')
    .option('--journal <location>', `${JOURNAL_HELP}; read only`)
    .option('--inventory <mode>', 'live (default, as plan reads it) or report');
  addAwsOptions(command).addHelpText(
    'after',
    `
Day 0 is what \`keywarden plan\` shows today; each later day lists the actions that first become due
that day (the same action ids plan shows then), assuming nobody acts: no key is used or changed and
Keywarden applies nothing. A deactivation therefore appears only where the replacement key already
exists. The action cap (--max-actions) is ignored. Read-only: it calls only what plan calls.

Examples:
  $ keywarden forecast
  $ keywarden forecast --days 90 --format csv --output forecast.csv
  $ keywarden forecast --preset rotation-165-180-185 --days 366 --format json
  $ keywarden forecast --now 2027-03-01T00:00:00Z --days 14`,
  );
  command.action(async (flags: ForecastFlags) => {
    const days = parseIntegerOption('--days', flags.days, MIN_FORECAST_DAYS, MAX_FORECAST_DAYS);
    const format: Format =
      flags.format === undefined
        ? (formatFromOutput(flags.output, FORMAT_BY_EXTENSION) ?? (io.stdout.isTTY ? 'table' : 'json'))
        : parseChoice('--format', flags.format, FORMATS);
    if (flags.output !== undefined) checkOutputFile('--output', io.cwd, flags.output);
    const ctx = remediationContext(flags, io, session, { changesAws: false });
    const progress = progressLine(io);
    try {
      warn(io, ctx.warnings);
      const deps = { ...(await ctx.deps({ notify: false })), onProgress: progress.update };
      const { forecast, warnings, nowBeforeData } = await forecastRemediation(deps, ctx.policy, days);
      progress.done();
      warn(io, warnings);
      if (flags.now !== undefined && nowBeforeData !== null) {
        warn(io, [nowBeforeDataWarning(deps.clock(), nowBeforeData)]);
      }
      const toTerminal = flags.output === undefined;
      const text = render(forecast, format, {
        color: !!io.stdout.isTTY && !io.env.NO_COLOR && toTerminal,
        columns: toTerminal ? outputColumns(io) : DEFAULT_COLUMNS,
      });
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

function render(
  forecast: Forecast,
  format: Format,
  table: { readonly color: boolean; readonly columns: number },
): string {
  switch (format) {
    case 'table':
      return renderForecastTable(forecast, table);
    case 'json':
      return `${JSON.stringify(forecast, null, 2)}\n`;
    case 'csv':
      return renderForecastCsv(forecast);
  }
}
