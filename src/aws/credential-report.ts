/**
 * The credential report: generate (or reuse) it, wait while AWS builds it, and parse its CSV into
 * plain rows. AWS writes `N/A`, `no_information` and `not_supported` where a value does not exist;
 * those become null here, so nothing downstream compares against magic strings.
 */

import { Readable } from 'node:stream';
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { HttpResponse } from '@smithy/types';
import { parse } from 'csv-parse/sync';
import { fitReportRow, type ReportRowCells, type ReportRowColumns } from '../core/report-row.js';
import { AwsErrorCode, callAws, isAwsError } from '../sdk/errors.js';

interface ReportKey {
  readonly slot: 1 | 2;
  readonly active: boolean;
  readonly lastRotated: Date;
  readonly lastUsedDate: Date | null;
  readonly lastUsedRegion: string | null;
  readonly lastUsedService: string | null;
}

export interface ReportRow {
  readonly user: string;
  readonly arn: string;
  readonly userCreationTime: Date | null;
  /** null for the root row (`not_supported`). */
  readonly passwordEnabled: boolean | null;
  readonly passwordLastUsed: Date | null;
  readonly passwordLastChanged: Date | null;
  readonly mfaActive: boolean;
  /** Only the slots that hold a key (last_rotated present). */
  readonly keys: readonly ReportKey[];
}

/** A row of the report that could not be read, and the user it seems to be about. */
interface UnreadableRow {
  /** Its line in the report (the header is line 1). */
  readonly line: number;
  /** Null when the row does not even tell. */
  readonly userName: string | null;
  readonly reason: string;
}

interface ParsedReport {
  readonly rows: readonly ReportRow[];
  readonly unreadable: readonly UnreadableRow[];
}

export interface CredentialReport extends ParsedReport {
  readonly generatedAt: Date;
}

const ABSENT = new Set(['N/A', 'no_information', 'not_supported', '']);

/** A cell that is not what its column holds: the row is unreadable, not the report. */
class ReportCellError extends Error {
  override readonly name = 'ReportCellError';
}

function text(value: string | undefined): string | null {
  return value === undefined || ABSENT.has(value) ? null : value;
}

function time(value: string | undefined, column: string): Date | null {
  const v = text(value);
  if (v === null) return null;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new ReportCellError(`${column} is not a time (got ${JSON.stringify(v)})`);
  return new Date(ms);
}

function bool(value: string | undefined): boolean | null {
  const v = text(value);
  return v === null ? null : v.toLowerCase() === 'true';
}

const CSV_OPTIONS = { trim: true, relax_quotes: true, relax_column_count: true } as const;

interface ReportLine {
  readonly line: number;
  readonly text: string;
}

/**
 * The report's non-empty lines. No cell can hold a line break (names, paths and ARNs are printable
 * ASCII; the rest are times, booleans and fixed words), so each line is one row.
 */
function reportLines(csv: string): ReportLine[] {
  const lines: ReportLine[] = [];
  csv.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() !== '') lines.push({ line: i + 1, text: line });
  });
  return lines;
}

/**
 * Each line's cells: all lines in one csv-parse call (one call per line took ten times as long on
 * 5,000 users), or line by line when that does not give one record per line (a quote opening a
 * cell of an unquoted path runs on into the next lines). Null for a line csv-parse cannot read.
 */
function cellsOfLines(lines: readonly ReportLine[]): (string[] | null)[] {
  try {
    const records = parse(lines.map((l) => l.text).join('\n'), CSV_OPTIONS) as string[][];
    if (records.length === lines.length) return records;
  } catch {
    // Read line by line below.
  }
  return lines.map((l) => {
    try {
      return (parse(l.text, CSV_OPTIONS) as string[][])[0] ?? [];
    } catch {
      return null;
    }
  });
}

/**
 * One line's cells fitted to the header. A report written unquoted (moto's) puts a path's `"` in
 * the cell as it is, so a line with a quote that does not fit read as CSV is read again with quotes
 * taken as characters.
 */
function fitLine(cells: string[] | null, text: string, columns: ReportRowColumns): ReportRowCells {
  const fitted = cells === null ? null : fitReportRow(cells, columns);
  if (fitted?.kind === 'read' || !text.includes('"')) {
    return fitted ?? { kind: 'unreadable', userName: null, reason: 'not CSV' };
  }
  const literal = (parse(text, { trim: true, quote: false }) as string[][])[0] ?? [];
  const again = fitReportRow(literal, columns);
  return again.kind === 'read' || fitted === null ? again : fitted;
}

/**
 * Parses the report CSV (AWS's columns, in any order) into rows. Pure. A row with a comma in its
 * user name or path is read whether it is quoted or not (see {@link fitReportRow}); a row that
 * still does not fit, or holds a cell that is not what its column says, is returned as unreadable
 * and the others are read. Cells are read by their column's index: building one object per row
 * with csv-parse's `columns` took about twice as long on 5,000 users.
 */
export function parseCredentialReport(csv: string): ParsedReport {
  const lines = reportLines(csv);
  const [first, ...records] = cellsOfLines(lines);
  const header = first ?? [];
  const index = new Map(header.map((name, i) => [name, i]));
  const cell = (name: string) => index.get(name) ?? -1;
  const at = (record: readonly string[], column: number) => (column < 0 ? undefined : record[column]);
  const columns = {
    user: cell('user'),
    arn: cell('arn'),
    userCreationTime: cell('user_creation_time'),
    passwordEnabled: cell('password_enabled'),
    passwordLastUsed: cell('password_last_used'),
    passwordLastChanged: cell('password_last_changed'),
    mfaActive: cell('mfa_active'),
  };
  const fit = { count: header.length, user: columns.user, arn: columns.arn };
  const keyColumns = ([1, 2] as const).map((slot) => ({
    slot,
    active: cell(`access_key_${slot}_active`),
    lastRotated: cell(`access_key_${slot}_last_rotated`),
    lastUsedDate: cell(`access_key_${slot}_last_used_date`),
    lastUsedRegion: cell(`access_key_${slot}_last_used_region`),
    lastUsedService: cell(`access_key_${slot}_last_used_service`),
  }));
  const readRow = (r: readonly string[]): ReportRow => {
    const keys: ReportKey[] = [];
    for (const k of keyColumns) {
      const lastRotated = time(at(r, k.lastRotated), `access_key_${k.slot}_last_rotated`);
      if (lastRotated === null) continue;
      keys.push({
        slot: k.slot,
        active: bool(at(r, k.active)) ?? false,
        lastRotated,
        lastUsedDate: time(at(r, k.lastUsedDate), `access_key_${k.slot}_last_used_date`),
        lastUsedRegion: text(at(r, k.lastUsedRegion)),
        lastUsedService: text(at(r, k.lastUsedService)),
      });
    }
    return {
      user: at(r, columns.user) ?? '',
      arn: at(r, columns.arn) ?? '',
      userCreationTime: time(at(r, columns.userCreationTime), 'user_creation_time'),
      passwordEnabled: bool(at(r, columns.passwordEnabled)),
      passwordLastUsed: time(at(r, columns.passwordLastUsed), 'password_last_used'),
      passwordLastChanged: time(at(r, columns.passwordLastChanged), 'password_last_changed'),
      mfaActive: bool(at(r, columns.mfaActive)) ?? false,
      keys,
    };
  };

  const rows: ReportRow[] = [];
  const unreadable: UnreadableRow[] = [];
  records.forEach((cells, i) => {
    const { line, text: raw } = lines[i + 1] ?? { line: i + 2, text: '' };
    const fitted = fitLine(cells, raw, fit);
    if (fitted.kind === 'unreadable') {
      unreadable.push({ line, userName: fitted.userName, reason: fitted.reason });
      return;
    }
    try {
      rows.push(readRow(fitted.cells));
    } catch (error) {
      if (!(error instanceof ReportCellError)) throw error;
      unreadable.push({ line, userName: at(fitted.cells, columns.user) || null, reason: error.message });
    }
  });
  return { rows, unreadable };
}

export interface FetchReportOptions {
  /** Waits between polls; tests pass one that does not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Give up after this many polls while AWS says the report is in progress (default 30). */
  readonly maxPolls?: number;
  /** First wait in ms; doubles up to 5 s (default 250). */
  readonly initialDelayMs?: number;
  /**
   * Reuse an existing report up to this age (default 4 hours). AWS itself returns the existing
   * report from GenerateCredentialReport while it is younger than 4 hours, so a longer maximum is
   * honoured by reading the existing report first; a shorter one cannot force a new report (the
   * caller warns about the age instead).
   */
  readonly maxAgeSeconds?: number;
  /** The time ages are measured against (default: the wall clock). */
  readonly now?: Date;
}

/** AWS's own reuse window for GenerateCredentialReport. */
const AWS_REUSE_SECONDS = 4 * 3600;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Generates (AWS reuses a report younger than 4 hours) and downloads the credential report.
 * Typically two calls: GenerateCredentialReport, then GetCredentialReport; more only while AWS is
 * still building it (`ReportInProgress`) or throttling generation (`LimitExceeded`).
 */
async function readExisting(iam: IAMClient): Promise<CredentialReport | null> {
  try {
    return decode(await callAws('iam:GetCredentialReport', null, () => getCredentialReport(iam)));
  } catch (error) {
    if (
      isAwsError(
        error,
        AwsErrorCode.ReportNotPresent,
        AwsErrorCode.ReportExpired,
        AwsErrorCode.ReportNotReady,
      )
    ) {
      return null;
    }
    throw error;
  }
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

const CONTENT_OPEN = '<Content>';
const CONTENT_CLOSE = '</Content>';

/**
 * GetCredentialReport, with the report taken out of the response before the SDK parses it. The
 * report arrives base64-encoded in one XML text node (1.8 MB for 5,000 users), which the SDK's XML
 * parser reads one character at a time: half a second of CPU and garbage on the audit's critical
 * path (measured; docs/benchmarks.md). The content is cut out with two `indexOf`s and decoded with
 * Buffer; the SDK parses the rest (format, time, errors) as usual. A response without `<Content>`
 * is left to the SDK untouched.
 */
async function getCredentialReport(
  iam: IAMClient,
): Promise<{ readonly Content?: Uint8Array; readonly GeneratedTime?: Date }> {
  const command = new GetCredentialReportCommand({});
  let content: Buffer | undefined;
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as HttpResponse;
      if (response.statusCode !== 200) return result;
      const xml = (await bodyBytes(response.body)).toString('utf8');
      const start = xml.indexOf(CONTENT_OPEN);
      const end = start < 0 ? -1 : xml.indexOf(CONTENT_CLOSE, start);
      if (end < 0) {
        response.body = Readable.from([Buffer.from(xml)]);
        return result;
      }
      content = Buffer.from(xml.slice(start + CONTENT_OPEN.length, end), 'base64');
      response.body = Readable.from([
        Buffer.from(xml.slice(0, start) + xml.slice(end + CONTENT_CLOSE.length)),
      ]);
      return result;
    },
    // Inside the SDK's deserializer: the raw response, before it is parsed.
    { step: 'deserialize', priority: 'low', name: 'keywardenCredentialReportContent' },
  );
  const out = await iam.send(command);
  return content === undefined ? out : { ...out, Content: content };
}

function decode(report: { readonly Content?: Uint8Array; readonly GeneratedTime?: Date }): CredentialReport {
  const content = report.Content ? Buffer.from(report.Content).toString('utf8') : '';
  return { generatedAt: report.GeneratedTime ?? new Date(0), ...parseCredentialReport(content) };
}

export async function fetchCredentialReport(
  iam: IAMClient,
  options: FetchReportOptions = {},
): Promise<CredentialReport> {
  const sleep = options.sleep ?? defaultSleep;
  if ((options.maxAgeSeconds ?? AWS_REUSE_SECONDS) > AWS_REUSE_SECONDS) {
    const existing = await readExisting(iam);
    const now = options.now ?? new Date();
    if (existing && (now.getTime() - existing.generatedAt.getTime()) / 1000 <= (options.maxAgeSeconds ?? 0)) {
      return existing;
    }
  }
  const maxPolls = options.maxPolls ?? 30;
  let delay = options.initialDelayMs ?? 250;
  const backoff = async () => {
    await sleep(delay);
    delay = Math.min(delay * 2, 5_000);
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await callAws('iam:GenerateCredentialReport', null, () =>
        iam.send(new GenerateCredentialReportCommand({})),
      );
      break;
    } catch (error) {
      const throttled = isAwsError(error, AwsErrorCode.LimitExceeded, AwsErrorCode.LimitExceededShort);
      if (!throttled || attempt + 1 >= maxPolls) throw error;
      await backoff();
    }
  }
  for (let poll = 0; ; poll++) {
    try {
      return decode(await callAws('iam:GetCredentialReport', null, () => getCredentialReport(iam)));
    } catch (error) {
      const retryable = isAwsError(error, AwsErrorCode.ReportNotReady, AwsErrorCode.ReportNotPresent);
      if (!retryable || poll + 1 >= maxPolls) throw error;
      await backoff();
    }
  }
}
