/**
 * `keywarden audit --org | --accounts`: the same account audit, in many accounts at once. Accounts
 * are worked on `--concurrency` at a time and each one's result is written or folded in as soon as
 * it is known, then dropped:
 * - json streams one document whose `accounts` array holds each account's own report (the
 *   single-account schema) or its error, in the order accounts finish, then the totals;
 * - csv streams one row per finding;
 * - table, html, sarif and asff need every account at once, so they keep each account's findings and
 *   counts (never its inventory or per-credential evaluations) and render at the end.
 * An account that cannot be assumed or fails is reported with `status: "error"`; the others complete,
 * and the exit code is 3 (a partial result).
 */
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { AccountAuditOrError, AuditReport, AuditSummary, FailOn } from '../core/audit-report.js';
import type { Policy } from '../core/policy/types.js';
import { forEachAccount } from '../engine/accounts.js';
import { auditAccount } from '../engine/audit.js';
import type { AwsConnection } from '../engine/connect.js';
import type { Journal } from '../engine/journal.js';
import { organizationAudit } from '../engine/organization-audit.js';
import { type ResolvedAccounts, resolveAccounts } from '../engine/resolve-accounts.js';
import { type AccountTarget, accountProgress, connectOrgAccount, skippedLines } from './accounts.js';
import { awsFailure } from './connection.js';
import type { CliIO } from './io.js';
import { VERSION } from './paths.js';
import { accountWarner, warn } from './remediation.js';
import { renderCsv } from './render/csv.js';
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
  /** Read only: rotations in progress. */
  readonly journal: Journal;
  /** Renders a report that holds every account (table, html, sarif, asff). */
  readonly render: (report: AuditReport) => string;
}

interface Sink {
  account(entry: AccountAuditOrError, report: AuditReport | null): void;
  finish(summary: AuditSummary, warnings: readonly string[]): void;
}

/** Writes to --output or stdout, as a stream, so nothing waits for the last account to be written. */
function openSink(
  io: CliIO,
  output: string | undefined,
): { write: (text: string) => void; end: () => Promise<void> } {
  if (output === undefined) {
    return { write: (text) => io.stdout.write(text), end: async () => {} };
  }
  const file = createWriteStream(resolve(io.cwd, output));
  return {
    write: (text) => file.write(text),
    end: () =>
      new Promise((done, fail) => file.end((error?: Error | null) => (error ? fail(error) : done()))),
  };
}

function jsonSink(write: (text: string) => void, head: AuditReport): Sink {
  const { tool, evaluatedAt, policy, benchmark } = head;
  const doc = streamJsonDocument(
    write,
    { schemaVersion: 1, kind: 'multi-account', tool, evaluatedAt, policy, benchmark },
    'accounts',
  );
  return {
    account(entry, report) {
      doc.item(
        entry.kind === 'ok'
          ? { accountId: entry.accountId, status: 'ok', report }
          : { accountId: entry.accountId, status: 'error', error: entry.error },
      );
    },
    finish(summary, warnings) {
      doc.close({ summary, warnings });
    },
  };
}

function csvSink(write: (text: string) => void, head: AuditReport): Sink {
  // The header is the single-account CSV's first line (an empty report has no other).
  write(renderCsv(head));
  return {
    account(_entry, report) {
      if (report === null) return;
      write(renderCsv(report).split('\r\n').slice(1).join('\r\n'));
    },
    finish() {},
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
  const streamed = options.format === 'json' || options.format === 'csv';
  // For table, html, sarif and asff the aggregate keeps each account's findings and counts, never
  // its evaluations.
  const audit = organizationAudit({
    policy,
    evaluatedAt,
    tool: TOOL,
    failOn: options.failOn,
    keep: !streamed,
  });
  const out = openSink(io, options.output);
  const sink: Sink | null =
    options.format === 'json'
      ? jsonSink(out.write, audit.head)
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
        io.stderr.write(`keywarden: account ${entry.accountId} failed: ${entry.error}\n`);
      }
      progress.accountDone(entry.kind === 'ok' ? entry.users : 0);
      sink?.account(entry, entry.kind === 'ok' ? report : null);
    },
  );
  progress.clear();
  const totals = audit.totals();
  if (sink) sink.finish(totals.summary, warnings);
  else out.write(options.render(audit.report()));
  await out.end();
  if (options.output !== undefined) {
    io.stderr.write(`keywarden: wrote ${options.format} report to ${options.output}\n`);
  }
  const { accounts, accountErrors } = totals.summary;
  io.stderr.write(
    `keywarden: ${accounts - accountErrors} of ${accounts} account(s) audited` +
      (accountErrors > 0 ? `, ${accountErrors} failed (partial result, exit ${PARTIAL_EXIT_CODE})` : '') +
      '\n',
  );
  if (accountErrors > 0) return PARTIAL_EXIT_CODE;
  return totals.fails ? 1 : 0;
}
