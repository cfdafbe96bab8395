/** The forecast for people (a table by day) and for spreadsheets (CSV, one row per entry). */
import pc from 'picocolors';
import {
  countEvents,
  FORECAST_EVENTS,
  type Forecast,
  type ForecastEntry,
  type ForecastEvent,
  noChangeLabels,
} from '../../core/forecast.js';
import { csvField } from './csv.js';
import { DEFAULT_COLUMNS, fitRow } from './fit.js';

const EVENT_LABEL: Readonly<Record<ForecastEvent, readonly [string, string]>> = {
  warning: ['warning', 'warnings'],
  rotation: ['rotation', 'rotations'],
  deactivation: ['deactivation', 'deactivations'],
  deletion: ['deletion', 'deletions'],
  'exemption-expiry': ['exemption ending', 'exemptions ending'],
};

/** `3 warnings`, `1 rotation`, ...: chains and exemptions, as {@link countEvents} counts them. */
function countParts(entries: readonly ForecastEntry[]): string[] {
  const counts = countEvents(entries);
  return FORECAST_EVENTS.map((e) => {
    const [one, many] = EVENT_LABEL[e];
    return `${counts[e]} ${counts[e] === 1 ? one : many}`;
  });
}

function what(e: ForecastEntry): string {
  if (e.kind === 'exemption-expiry') {
    return `exemption ended ${e.until} (${e.source}: ${e.reason}); ${e.rules.join(', ')} apply again`;
  }
  const note = e.type === 'note-inactive' || e.type === 'note-active' ? ', journal only' : '';
  return `${e.accessKeyId ?? 'console password'}  ${e.type} (${e.stage}${note})`;
}

const VIEW_TITLE: Readonly<Record<Forecast['view'], string>> = {
  simulated: 'if Keywarden runs daily as configured',
  'if-nobody-acts': 'if nobody acts',
};

/** By day, fitted to `columns` (default 100); the view's assumptions under the counts. */
export function renderForecastTable(
  forecast: Forecast,
  options: { readonly color: boolean; readonly columns?: number },
): string {
  const c = pc.createColors(options.color);
  const width = options.columns ?? DEFAULT_COLUMNS;
  const start = forecast.generatedAt.slice(0, 10);
  // The header breaks only between its counts.
  const counts = countParts(forecast.entries);
  const header = [
    `Forecast from ${start} over ${forecast.days} days, ${VIEW_TITLE[forecast.view]}:`,
    ...counts.map((part, i) => (i < counts.length - 1 ? `${part},` : part)),
  ].map((part) => c.bold(part));
  const lines = fitRow('', header, null, width, { separator: ' ', hang: '  ' });
  lines.push(
    ...fitRow('', ['Assuming'], `${forecast.assumptions.join('; ')}.`, width, { separator: ' ', hang: '  ' }),
  );
  const noChange = noChangeLabels(forecast.entries);
  let lastDay = -1;
  for (const e of forecast.entries) {
    if (e.day !== lastDay) {
      lines.push(`  ${c.bold(e.date)} ${c.dim(e.day === 0 ? '(today: due now)' : `(day ${e.day})`)}`);
      lastDay = e.day;
    }
    const quiet = noChange(e);
    const label = quiet ?? e.event;
    const event =
      e.event === 'warning' || quiet !== null ? c.dim(label.padEnd(16)) : c.yellow(label.padEnd(16));
    lines.push(
      ...fitRow('    ', [event], `${e.accountId}/${e.userName}  ${what(e)}`, width, { separator: ' ' }),
    );
  }
  if (forecast.entries.length === 0) lines.push('Nothing happens in this period.');
  return `${lines.join('\n')}\n`;
}

const CSV_COLUMNS = [
  'day',
  'date',
  'event',
  'accountId',
  'userName',
  'accessKeyId',
  'type',
  'stage',
  'rules',
  'actionId',
  'exemptionSource',
  'exemptionUntil',
  'reason',
] as const;

function csvRow(e: ForecastEntry): Record<(typeof CSV_COLUMNS)[number], string | number | null> {
  const common = { day: e.day, date: e.date, event: e.event, accountId: e.accountId, userName: e.userName };
  if (e.kind === 'exemption-expiry') {
    return {
      ...common,
      accessKeyId: null,
      type: null,
      stage: null,
      rules: e.rules.join(' '),
      actionId: null,
      exemptionSource: e.source,
      exemptionUntil: e.until,
      reason: e.reason,
    };
  }
  return {
    ...common,
    accessKeyId: e.accessKeyId,
    type: e.type,
    stage: e.stage,
    rules: e.rule,
    actionId: e.actionId,
    exemptionSource: null,
    exemptionUntil: null,
    reason: e.reason,
  };
}

/** One row per entry, the audit CSV's quoting and formula neutralizing, CRLF line ends. */
export function renderForecastCsv(forecast: Forecast): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of forecast.entries) {
    const row = csvRow(e);
    lines.push(CSV_COLUMNS.map((column) => csvField(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
