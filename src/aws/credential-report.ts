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
import { AwsErrorCode, callAws, isAwsError } from './errors.js';

export interface ReportKey {
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

export interface CredentialReport {
  readonly generatedAt: Date;
  readonly rows: readonly ReportRow[];
}

const ABSENT = new Set(['N/A', 'no_information', 'not_supported', '']);

function text(value: string | undefined): string | null {
  return value === undefined || ABSENT.has(value) ? null : value;
}

function time(value: string | undefined, column: string, line: number): Date | null {
  const v = text(value);
  if (v === null) return null;
  const ms = Date.parse(v);
  if (Number.isNaN(ms))
    throw new Error(`credential report line ${line}: ${column} is not a time (got ${JSON.stringify(v)})`);
  return new Date(ms);
}

function bool(value: string | undefined): boolean | null {
  const v = text(value);
  return v === null ? null : v.toLowerCase() === 'true';
}

/**
 * Parses the report CSV (AWS's columns, in any order) into rows. Pure. Rows are read as arrays and
 * cells by their column's index: building one object per row with csv-parse's `columns` took
 * about twice as long on 5,000 users.
 */
export function parseCredentialReport(csv: string): ReportRow[] {
  const [header = [], ...records] = parse(csv, { skip_empty_lines: true, trim: true }) as string[][];
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
  const keyColumns = ([1, 2] as const).map((slot) => ({
    slot,
    active: cell(`access_key_${slot}_active`),
    lastRotated: cell(`access_key_${slot}_last_rotated`),
    lastUsedDate: cell(`access_key_${slot}_last_used_date`),
    lastUsedRegion: cell(`access_key_${slot}_last_used_region`),
    lastUsedService: cell(`access_key_${slot}_last_used_service`),
  }));
  return records.map((r, i) => {
    const line = i + 2;
    const keys: ReportKey[] = [];
    for (const k of keyColumns) {
      const lastRotated = time(at(r, k.lastRotated), `access_key_${k.slot}_last_rotated`, line);
      if (lastRotated === null) continue;
      keys.push({
        slot: k.slot,
        active: bool(at(r, k.active)) ?? false,
        lastRotated,
        lastUsedDate: time(at(r, k.lastUsedDate), `access_key_${k.slot}_last_used_date`, line),
        lastUsedRegion: text(at(r, k.lastUsedRegion)),
        lastUsedService: text(at(r, k.lastUsedService)),
      });
    }
    return {
      user: at(r, columns.user) ?? '',
      arn: at(r, columns.arn) ?? '',
      userCreationTime: time(at(r, columns.userCreationTime), 'user_creation_time', line),
      passwordEnabled: bool(at(r, columns.passwordEnabled)),
      passwordLastUsed: time(at(r, columns.passwordLastUsed), 'password_last_used', line),
      passwordLastChanged: time(at(r, columns.passwordLastChanged), 'password_last_changed', line),
      mfaActive: bool(at(r, columns.mfaActive)) ?? false,
      keys,
    };
  });
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
  return { generatedAt: report.GeneratedTime ?? new Date(0), rows: parseCredentialReport(content) };
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
