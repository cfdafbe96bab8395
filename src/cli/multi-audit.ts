/**
 * `keywarden audit --org | --accounts`: the same account audit, in many accounts at once. Accounts
 * are worked on `--concurrency` at a time and each one's result is written or folded in as soon as
 * it is known, then dropped:
 * - json streams one document of the single-account report's shape: every finding at the top level
 *   as its account finishes, then the evaluations (kept in a temporary file meanwhile), each
 *   account's status and counts, the totals and the warnings;
 * - jsonl streams one finding per line; csv one row per finding;
 * - table, html, sarif, asff and ocsf need every account at once, so they keep each account's
 *   findings and counts (never its inventory or per-credential evaluations) and render at the end.
 * An account that cannot be assumed or fails is reported with `status: "error"`; the others complete,
 * and the exit code is 3 (a partial result).
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { AccountAuditOrError, AccountStatus, AuditReport, FailOn } from '../core/audit-report.js';
import type { AuditTotals } from '../core/audit-totals.js';
import type { FindingFilter } from '../core/finding-filter.js';
import type { Policy } from '../core/policy/types.js';
import { forEachAccount } from '../engine/accounts.js';
import { auditAccount } from '../engine/audit.js';
import type { AwsConnection } from '../engine/connect.js';
import type { Journal } from '../engine/journal.js';
import { organizationAudit } from '../engine/organization-audit.js';
import { type ResolvedAccounts, resolveAccounts } from '../engine/resolve-accounts.js';
import { type AccountTarget, accountProgress, connectOrgAccount, skippedLines } from './accounts.js';
import { awsFailure } from './connection.js';
import { FINDINGS, filteredOutLine } from './filter-options.js';
import type { CliIO } from './io.js';
import { logOf } from './log.js';
import { VERSION } from './paths.js';
import { accountWarner, warn } from './remediation.js';
import { renderCsv } from './render/csv.js';
import { renderJsonl } from './render/json.js';
import { streamJsonDocument } from './render/json-stream.js';
import { connect, type Session } from './session.js';

/** Exit code of a run in which some accounts failed and the others completed. */
export const PARTIAL_EXIT_CODE = 3;
const TOOL = { name: 'keywarden', version: VERSION };

export interface MultiAuditOptions {
  readonly target: Extract<AccountTarget, { kind: 'many' }>;
  readonly connection: AwsConnection;
  readonly policy: Policy;
  /** `--now`, else each account's service clock. */
  readonly now: Date | null;
  readonly format: string;
  readonly output: string | undefined;
  readonly failOn: FailOn;
  /** `--rule`, `--severity`, `--user`; null when none is given. */
  readonly filter: FindingFilter | null;
  /** Read only: rotations in progress. */
  readonly journal: Journal;
  /** Renders a report that holds every account (table, html, sarif, asff, ocsf). */
  readonly render: (report: AuditReport) => string;
}

interface Sink {
  /** One account's audit, or its error, and its single-account report (an error's has no finding). */
  account(entry: AccountAuditOrError, report: AuditReport): void;
  finish(totals: AuditTotals, warnings: readonly string[]): Promise<void>;
}

interface Out {
  write(text: string): void;
  /** Resolves once the output has taken what was written (at once when nothing is buffered). */
  drained(): Promise<void>;
  end(): Promise<void>;
}

/** Writes to --output or stdout, as a stream, so nothing waits for the last account to be written. */
function openSink(io: CliIO, output: string | undefined): Out {
  const file = output === undefined ? null : createWriteStream(resolve(io.cwd, output));
  const stream: Writable = file ?? (io.stdout as Writable);
  return {
    write: (text) => {
      stream.write(text);
    },
    drained: () =>
      stream.writableNeedDrain
        ? new Promise((done) => stream.once('drain', () => done()))
        : Promise.resolve(),
    end: () => (file === null ? Promise.resolve() : endStream(file)),
  };
}

/** Ends a write stream and waits until its file is written. */
function endStream(stream: WriteStream): Promise<void> {
  return new Promise((done, fail) => stream.end((error?: Error | null) => (error ? fail(error) : done())));
}

/**
 * The json document of many accounts: the single-account report's shape (schemaVersion 2), written
 * as it is produced. Its head, then every finding at the top level as each account finishes (each
 * finding names its account); then the per-user evaluations, which would otherwise have to be held
 * until the findings end: each account's go to a temporary file as it finishes and are copied in,
 * waiting for the output to drain; then what is small and known only at the end: the accounts'
 * statuses (by account id), the summary, the filter's counts, the warnings and the key ages added up.
 */
function jsonSink(out: Out, head: AuditReport): Sink {
  const { schemaVersion, tool, evaluatedAt, policy, benchmark } = head;
  const doc = streamJsonDocument(
    out.write,
    { schemaVersion, tool, evaluatedAt, policy, benchmark },
    'findings',
  );
  const spoolDir = mkdtempSync(join(tmpdir(), 'keywarden-evaluations-'));
  const spoolPath = join(spoolDir, 'evaluations.jsonl');
  const spool = createWriteStream(spoolPath);
  // Said when the document is finished (a full temporary disk), never an uncaught error.
  let spoolError: unknown = null;
  spool.on('error', (error) => {
    spoolError = error;
  });
  const accounts: AccountStatus[] = [];
  const keyAges = new Map<number, number>();
  return {
    account(_entry, report) {
      for (const status of report.accounts) accounts.push(status);
      for (const finding of report.findings) doc.item(finding);
      if (report.evaluations.length > 0) {
        spool.write(report.evaluations.map((e) => `${JSON.stringify(e)}\n`).join(''));
      }
      for (const { ageDays, keys } of report.activeKeyAges) {
        keyAges.set(ageDays, (keyAges.get(ageDays) ?? 0) + keys);
      }
    },
    async finish(totals, warnings) {
      try {
        await endStream(spool);
        if (spoolError !== null) throw spoolError;
        doc.nextArray('evaluations');
        const lines = createInterface({
          input: createReadStream(spoolPath),
          crlfDelay: Number.POSITIVE_INFINITY,
        });
        for await (const line of lines) {
          if (line === '') continue;
          doc.itemJson(line);
          await out.drained();
        }
      } finally {
        rmSync(spoolDir, { recursive: true, force: true });
      }
      doc.close({
        accounts: accounts.sort((a, b) =>
          a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0,
        ),
        summary: totals.summary,
        filter: head.filter === null ? null : { ...head.filter, filteredOut: totals.filteredOut },
        warnings,
        activeKeyAges: [...keyAges.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([ageDays, keys]) => ({ ageDays, keys })),
      });
    },
  };
}

/** jsonl: one finding per line, each a complete JSON object, written as each account finishes. */
function jsonlSink(write: (text: string) => void): Sink {
  return {
    account(_entry, report) {
      if (report.findings.length > 0) write(renderJsonl(report));
    },
    async finish() {},
  };
}

function csvSink(write: (text: string) => void, head: AuditReport): Sink {
  // The header is the single-account CSV's first line (an empty report has no other).
  write(renderCsv(head));
  return {
    account(_entry, report) {
      if (report.findings.length === 0) return;
      write(renderCsv(report).split('\r\n').slice(1).join('\r\n'));
    },
    async finish() {},
  };
}

export async function multiAccountAudit(
  io: CliIO,
  session: Session,
  options: MultiAuditOptions,
): Promise<number> {
  const { target, connection, policy } = options;
  const caller = connect(session, connection);
  let resolved: ResolvedAccounts;
  let evaluatedAt: Date;
  try {
    if (options.now === null) await caller.calibrate();
    evaluatedAt = options.now ?? caller.serviceNow();
    resolved = await resolveAccounts(target, connection, caller);
  } catch (error) {
    throw awsFailure(error, connection);
  } finally {
    caller.close();
  }
  warn(io, skippedLines(resolved));
  const streamed = options.format === 'json' || options.format === 'jsonl' || options.format === 'csv';
  // For table, html, sarif, asff and ocsf the aggregate keeps each account's findings and counts, never
  // its evaluations.
  const audit = organizationAudit({
    policy,
    evaluatedAt,
    tool: TOOL,
    failOn: options.failOn,
    keep: !streamed,
    filter: options.filter,
  });
  const out = openSink(io, options.output);
  const sink: Sink | null =
    options.format === 'json'
      ? jsonSink(out, audit.head)
      : options.format === 'jsonl'
        ? jsonlSink(out.write)
        : options.format === 'csv'
          ? csvSink(out.write, audit.head)
          : null;
  const warnings: string[] = [];
  const progress = accountProgress(io, resolved.selected.length);
  progress.start();
  const { journal } = options;
  const warnAccount = accountWarner(io, journal.location);
  await forEachAccount(
    resolved.selected.map((a) => a.id),
    { concurrency: target.concurrency },
    async (accountId) => {
      const clients = connectOrgAccount(connection, resolved, accountId);
      try {
        await clients.assume();
        if (options.now === null) await clients.calibrate();
        const at = options.now ?? clients.serviceNow();
        return await auditAccount({ clients, clock: () => at, journal }, policy);
      } catch (error) {
        throw awsFailure(error, connection);
      } finally {
        clients.close();
      }
    },
    (outcome) => {
      const entry: AccountAuditOrError =
        outcome.status === 'ok'
          ? { ...outcome.value, accountId: outcome.accountId }
          : { kind: 'error', accountId: outcome.accountId, error: outcome.error };
      const report = audit.add(entry);
      progress.clear();
      warnings.push(...warnAccount(entry.accountId, report.warnings));
      if (entry.kind === 'error') {
        logOf(io).error(`account ${entry.accountId} failed: ${entry.error}`);
      }
      progress.accountDone(entry.kind === 'ok' ? entry.users : 0);
      sink?.account(entry, report);
    },
  );
  progress.clear();
  const totals = audit.totals();
  if (sink) await sink.finish(totals, warnings);
  else out.write(options.render(audit.report()));
  await out.end();
  if (options.output !== undefined) {
    io.stderr.write(`keywarden: wrote ${options.format} report to ${options.output}\n`);
  }
  if (options.filter !== null && options.format !== 'table') {
    logOf(io).info(filteredOutLine(options.filter, totals.filteredOut.findings, FINDINGS));
  }
  const { accounts, accountErrors } = totals.summary;
  // With a failed account it explains exit 3, so --quiet keeps it.
  const audited = `${accounts - accountErrors} of ${accounts} account(s) audited`;
  if (accountErrors > 0) {
    logOf(io).error(`${audited}, ${accountErrors} failed (partial result, exit ${PARTIAL_EXIT_CODE})`);
  } else {
    logOf(io).info(audited);
  }
  if (accountErrors > 0) return PARTIAL_EXIT_CODE;
  return totals.fails ? 1 : 0;
}
