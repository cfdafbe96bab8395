/**
 * The audit report in each `--format`, and the `--output` extensions that choose one: the table,
 * json, jsonl and csv renderers here, the html, sarif, asff and ocsf ones in src/report.
 */
import type { AuditReport } from '../../core/audit-report.js';
import type { Forecast } from '../../core/forecast.js';
import { renderAsff } from '../../report/asff.js';
import { renderHtml } from '../../report/html.js';
import { renderOcsf } from '../../report/ocsf.js';
import { renderSarif } from '../../report/sarif.js';
import { FINDINGS, filteredOutLine } from '../filter-options.js';
import { renderCsv } from './csv.js';
import { renderJson, renderJsonl } from './json.js';
import { renderTable } from './table.js';

export const AUDIT_FORMATS = ['table', 'json', 'jsonl', 'csv', 'html', 'sarif', 'asff', 'ocsf'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];
/**
 * `--output` extensions that choose the format when `--format` is not given (the longest that ends
 * the file name wins, so `x.ocsf.json` is ocsf and `x.json` json); any other is refused unless
 * `--format` names the format. ASFF is JSON, so `.json` means json: `--format asff` is always explicit.
 */
export const AUDIT_FORMAT_BY_EXTENSION: Readonly<Record<string, AuditFormat>> = {
  '.json': 'json',
  '.ocsf.json': 'ocsf',
  '.jsonl': 'jsonl',
  '.csv': 'csv',
  '.html': 'html',
  '.htm': 'html',
  '.sarif': 'sarif',
};

export interface AuditRenderContext {
  readonly color: boolean;
  /** The table's width. */
  readonly columns: number;
  /** The Security Hub region ASFF findings name (their ProductArn and resources); OCSF's `cloud.region`. */
  readonly region: string;
  /** The repository-relative file SARIF results point at (src/report/sarif.ts `sarifArtifactUri`). */
  readonly artifactUri: string;
  /** For html: the rotation calendar's forecast, or why there is none. */
  readonly forecast: Forecast | null;
  readonly forecastUnavailable?: string;
}

/** The report as text in `format`. */
export function renderAuditReport(report: AuditReport, format: AuditFormat, ctx: AuditRenderContext): string {
  switch (format) {
    case 'table': {
      const table = renderTable(report, { color: ctx.color, columns: ctx.columns });
      const { filter } = report;
      return filter === null
        ? table
        : `${table}${filteredOutLine(filter, filter.filteredOut.findings, FINDINGS)} (${filter.filteredOut.open} open)\n`;
    }
    case 'json':
      return renderJson(report);
    case 'jsonl':
      return renderJsonl(report);
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtml(report, {
        forecast: ctx.forecast,
        ...(ctx.forecastUnavailable === undefined ? {} : { forecastUnavailable: ctx.forecastUnavailable }),
      });
    case 'sarif':
      return renderSarif(report, { artifactUri: ctx.artifactUri });
    case 'asff':
      return renderAsff(report, { region: ctx.region });
    case 'ocsf':
      return renderOcsf(report, { region: ctx.region });
  }
}
