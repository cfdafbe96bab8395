/**
 * The credential report: generate (or reuse) it, wait while AWS builds it, and parse its CSV into
 * plain rows. AWS writes `N/A`, `no_information` and `not_supported` where a value does not exist;
 * those become null here, so nothing downstream compares against magic strings.
 */
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
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

/** Parses the report CSV (AWS's columns, in any order) into rows. Pure. */
export function parseCredentialReport(csv: string): ReportRow[] {
  const records = parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  return records.map((r, i) => {
    const line = i + 2;
    const keys: ReportKey[] = [];
    for (const slot of [1, 2] as const) {
      const lastRotated = time(r[`access_key_${slot}_last_rotated`], `access_key_${slot}_last_rotated`, line);
      if (lastRotated === null) continue;
      keys.push({
        slot,
        active: bool(r[`access_key_${slot}_active`]) ?? false,
        lastRotated,
        lastUsedDate: time(r[`access_key_${slot}_last_used_date`], `access_key_${slot}_last_used_date`, line),
        lastUsedRegion: text(r[`access_key_${slot}_last_used_region`]),
        lastUsedService: text(r[`access_key_${slot}_last_used_service`]),
      });
    }
    return {
      user: r.user ?? '',
      arn: r.arn ?? '',
      userCreationTime: time(r.user_creation_time, 'user_creation_time', line),
      passwordEnabled: bool(r.password_enabled),
      passwordLastUsed: time(r.password_last_used, 'password_last_used', line),
      passwordLastChanged: time(r.password_last_changed, 'password_last_changed', line),
      mfaActive: bool(r.mfa_active) ?? false,
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
    return decode(
      await callAws('iam:GetCredentialReport', null, () => iam.send(new GetCredentialReportCommand({}))),
    );
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

function decode(report: { Content?: Uint8Array; GeneratedTime?: Date }): CredentialReport {
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
      return decode(
        await callAws('iam:GetCredentialReport', null, () => iam.send(new GetCredentialReportCommand({}))),
      );
    } catch (error) {
      const retryable = isAwsError(error, AwsErrorCode.ReportNotReady, AwsErrorCode.ReportNotPresent);
      if (!retryable || poll + 1 >= maxPolls) throw error;
      await backoff();
    }
  }
}
