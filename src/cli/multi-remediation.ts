/**
 * `keywarden plan | apply --org | --accounts`: remediation in many accounts, `--concurrency` at a
 * time, each account through the same engine call as a single-account run, in its own assumed role.
 * - One journal for the whole run (a file or dynamodb://TABLE); each account's run is journaled with
 *   its account, and only that account's interrupted runs count for it.
 * - `--max-actions` caps the changes of the whole run across accounts (an {@link ActionBudget}),
 *   spent in the order the accounts finish planning.
 * - `apply` changes AWS only with `--yes`: without it, it prints the plans (a dry run); nobody is
 *   asked account by account.
 * - Output streams account by account: json is one document whose `accounts` array holds each
 *   account's plan or results, or its error; table prints one section per account.
 * An account that cannot be assumed or fails is reported with `status: "error"`; the others
 * complete, and the exit code is 3.
 */

import { type FindingFilter, filterPlan, type PlanFilteredOut } from '../core/finding-filter.js';
import type { ActionResult } from '../core/plan/outcome.js';
import { changesAws } from '../core/plan/types.js';
import type { Policy } from '../core/policy/types.js';
import { forEachAccount } from '../engine/accounts.js';
import { ActionBudget } from '../engine/budget.js';
import type { AwsConnection } from '../engine/connect.js';
import type { Journal } from '../engine/journal.js';
import { createNotifier } from '../engine/notify.js';
import { type PlannedAccount, planRemediation } from '../engine/plan.js';
import { type RemediateResult, remediateAccount } from '../engine/remediate.js';
import { type ResolvedAccounts, resolveAccounts } from '../engine/resolve-accounts.js';
import type { RemediationDeps } from '../engine/types.js';
import { type AccountTarget, accountProgress, connectOrgAccount, skippedLines } from './accounts.js';
import { type AwsFlags, awsFailure, connectionFrom } from './connection.js';
import { planFilterLine } from './filter-options.js';
import { type CliIO, exitCodeFor, outputColumns, type StopSignal } from './io.js';
import { logOf } from './log.js';
import { PARTIAL_EXIT_CODE } from './multi-audit.js';
import {
  accountWarner,
  HELD_BY_STOPPED_RUN_EXIT_CODE,
  interruptedMessage,
  type RemediationContext,
  reportLeased,
  warn,
} from './remediation.js';
import { streamJsonDocument } from './render/json-stream.js';
import { planWarnings, renderPlan } from './render/plan.js';
import { renderResults } from './render/results.js';
import { connect, type Session } from './session.js';

/** What every account of the run shares: from the command's flags and policy. */
export interface RunBase {
  readonly connection: AwsConnection;
  readonly policy: Policy;
  readonly maxActions: number;
  readonly journal: Journal;
  /** The command's AWS flags, for the commands it suggests (releasing a dead run's lease). */
  readonly awsFlags: AwsFlags;
}

export interface MultiRemediationOptions extends RunBase {
  readonly target: Extract<AccountTarget, { kind: 'many' }>;
  /** `--now` (plan only), else each account's service clock. */
  readonly now: Date | null;
  readonly format: 'table' | 'json';
  /** plan's `--rule`, `--severity`, `--user`: each account's plan shows what they match. */
  readonly filter?: FindingFilter | null;
}

/**
 * The `--org` / `--accounts` branch of `plan` and `apply`: the context's warnings, the caller's
 * connection (named by errors), the run, and the journal closed whatever happens.
 */
export async function inManyAccounts(
  io: CliIO,
  session: Session,
  flags: AwsFlags,
  ctx: RemediationContext,
  run: (base: RunBase) => Promise<number>,
): Promise<number> {
  try {
    warn(io, ctx.warnings);
    const connection = connectionFrom(flags, io);
    session.connection = connection;
    return await run({
      connection,
      policy: ctx.policy,
      maxActions: ctx.maxActions,
      journal: ctx.journal,
      awsFlags: flags,
    });
  } finally {
    ctx.close();
  }
}

/** What one account gave, as the json document lists it. */
type AccountEntry =
  | ({ readonly accountId: string; readonly status: 'ok' } & Readonly<Record<string, unknown>>)
  | { readonly accountId: string; readonly status: 'error'; readonly error: string };

/** The caller's clients, the resolved accounts, and a writer that streams one entry per account. */
async function start(io: CliIO, session: Session, options: MultiRemediationOptions) {
  const caller = connect(session, options.connection);
  let resolved: ResolvedAccounts;
  try {
    await options.journal.verify?.();
    resolved = await resolveAccounts(options.target, options.connection, caller);
  } catch (error) {
    caller.close();
    throw awsFailure(error, options.connection);
  }
  warn(io, skippedLines(resolved));
  const doc =
    options.format === 'json'
      ? streamJsonDocument((text) => io.stdout.write(text), { kind: 'multi-account' }, 'accounts')
      : null;
  const color = !!io.stdout.isTTY && !io.env.NO_COLOR;
  const warnAccount = accountWarner(io, options.journal.location);
  return {
    caller,
    resolved,
    color,
    columns: outputColumns(io),
    /** On stderr, in every format: what planning the account found, and notices no channel carries. */
    warn(accountId: string, planned: PlannedAccount) {
      warnAccount(accountId, planWarnings(planned.plan, planned.warnings));
    },
    /** Streams one account's entry (json) or its section (table, `text`). */
    emit(entry: AccountEntry, text: string) {
      if (doc) doc.item(entry);
      else io.stdout.write(`Account ${entry.accountId}\n${text}\n`);
      if (entry.status === 'error') logOf(io).error(`account ${entry.accountId} failed: ${entry.error}`);
    },
    finish(extra: Readonly<Record<string, unknown>>) {
      doc?.close(extra);
    },
  };
}

/**
 * Runs `use` in one account: its own clients (closed after) and clock, the run's journal, and
 * `extra` (the notifier, the stop check). A failure is said in one line naming the caller's endpoint.
 */
async function inAccount<T>(
  _session: Session,
  resolved: ResolvedAccounts,
  accountId: string,
  options: MultiRemediationOptions,
  extra: Partial<RemediationDeps>,
  use: (deps: RemediationDeps) => Promise<T>,
): Promise<T> {
  const clients = connectOrgAccount(options.connection, resolved, accountId);
  try {
    await clients.assume();
    if (options.now === null) await clients.calibrate();
    const fixed = options.now;
    return await use({
      clients,
      clock: fixed === null ? () => clients.serviceNow() : () => fixed,
      journal: options.journal,
      notifier: null,
      accountId,
      ...(options.connection.timeouts ? { timeouts: options.connection.timeouts } : {}),
      ...extra,
    });
  } catch (error) {
    throw awsFailure(error, options.connection);
  } finally {
    clients.close();
  }
}

function errorEntry(accountId: string, error: string): AccountEntry {
  return { accountId, status: 'error', error };
}

export async function multiAccountPlan(
  io: CliIO,
  session: Session,
  options: MultiRemediationOptions,
): Promise<number> {
  const out = await start(io, session, options);
  const budget = new ActionBudget(options.maxActions);
  const filter = options.filter ?? null;
  let filteredOut: PlanFilteredOut = { actions: 0, deferred: 0, blocked: 0, skipped: 0 };
  const progress = accountProgress(io, out.resolved.selected.length);
  let failed = 0;
  try {
    await forEachAccount<PlannedAccount>(
      out.resolved.selected.map((a) => a.id),
      { concurrency: options.target.concurrency },
      (accountId) =>
        inAccount(session, out.resolved, accountId, options, {}, (deps) =>
          planRemediation(deps, options.policy, { maxActions: budget }),
        ),
      (outcome) => {
        progress.clear();
        if (outcome.status === 'error') {
          failed++;
          out.emit(errorEntry(outcome.accountId, outcome.error), '');
        } else {
          const filtered = filter === null ? null : filterPlan(outcome.value.plan, filter);
          const plan = filtered?.plan ?? outcome.value.plan;
          if (filtered !== null) filteredOut = addFilteredOut(filteredOut, filtered.filteredOut);
          out.warn(outcome.accountId, outcome.value);
          out.emit(
            { accountId: outcome.accountId, status: 'ok', plan },
            renderPlan(plan, { color: out.color, columns: out.columns }),
          );
        }
        progress.accountDone(0);
      },
    );
  } finally {
    progress.clear();
    out.caller.close();
  }
  const applied = filter === null ? null : { ...filter, filteredOut };
  if (applied !== null) {
    if (options.format === 'table') io.stdout.write(`${planFilterLine(applied)}\n`);
    else io.stderr.write(`keywarden: ${planFilterLine(applied)}\n`);
  }
  out.finish({ maxActions: options.maxActions, filter: applied });
  return failed > 0 ? PARTIAL_EXIT_CODE : 0;
}

export interface MultiApplyOptions extends MultiRemediationOptions {
  readonly yes: boolean;
  readonly resume: boolean;
  /** The exact command that finishes this run, for the line a signal prints. */
  readonly resumeCommand: string;
}

export async function multiAccountApply(
  io: CliIO,
  session: Session,
  options: MultiApplyOptions,
): Promise<number> {
  // Ctrl-C or SIGTERM: every account finishes its action in flight; no account or action starts.
  let stopSignal: StopSignal | null = null;
  void io.takeInterrupts().then((signal) => {
    stopSignal = signal;
    io.stderr.write(`\nkeywarden: ${signal}: stopping after the actions in flight (again to stop at once)\n`);
  });
  const out = await start(io, session, options);
  const budget = new ActionBudget(options.maxActions);
  const notifier = createNotifier(options.policy.notifications, {
    env: io.env,
    connection: options.connection,
    ssm: out.caller.ssm,
  });
  const progress = accountProgress(io, out.resolved.selected.length);
  let failedAccounts = 0;
  let failedActions = 0;
  let heldByStoppedRuns = 0;
  let undelivered = 0;
  let planned = 0;
  try {
    const summary = await forEachAccount<RemediateResult>(
      out.resolved.selected.map((a) => a.id),
      { concurrency: options.target.concurrency, shouldStop: () => stopSignal !== null },
      (accountId) =>
        inAccount(
          session,
          out.resolved,
          accountId,
          options,
          { notifier, shouldStop: () => stopSignal !== null },
          (deps) =>
            remediateAccount(deps, options.policy, {
              maxActions: budget,
              resume: options.resume,
              confirmPlan: async () => options.yes && stopSignal === null,
            }),
        ),
      (outcome) => {
        progress.clear();
        if (outcome.status === 'error') {
          failedAccounts++;
          out.emit(errorEntry(outcome.accountId, outcome.error), '');
          progress.accountDone(0);
          return;
        }
        const { accountId, value } = outcome;
        switch (value.kind) {
          case 'held-elsewhere': {
            const where = { journal: options.journal.location, flags: options.awsFlags };
            if (reportLeased(io, value, where) !== 0) heldByStoppedRuns++;
            out.emit({ accountId, status: 'ok', runId: null, leasedBy: value.lease, results: [] }, '');
            break;
          }
          case 'interrupted':
            failedAccounts++;
            out.emit(errorEntry(accountId, interruptedMessage(options.resumeCommand, value.runIds)), '');
            break;
          case 'recovery-declined':
            // Not asked here (nobody is asked account by account): nothing was done.
            out.emit({ accountId, status: 'ok', runId: null, results: [] }, '');
            break;
          case 'nothing-to-do':
          case 'declined':
          case 'stopped':
          case 'unsettled':
          case 'applied': {
            out.warn(accountId, value.planned);
            const execution = 'execution' in value ? value.execution : null;
            const results: ActionResult[] = [
              ...(value.recovery?.results ?? []),
              ...(execution?.results ?? []),
            ];
            failedActions += results.filter((r) => r.status === 'failed').length;
            undelivered += results.filter((r) => r.type === 'notify' && r.status !== 'done').length;
            planned += value.planned.plan.actions.filter(changesAws).length;
            out.emit(
              { accountId, status: 'ok', runId: execution?.runId ?? null, plan: value.planned.plan, results },
              execution === null
                ? renderPlan(value.planned.plan, { color: out.color, columns: out.columns })
                : renderResults(execution.runId, results, { color: out.color, columns: out.columns }),
            );
            break;
          }
          default:
            return value satisfies never;
        }
        progress.accountDone(0);
      },
    );
    if (summary.notStarted.length > 0) {
      logOf(io).error(`not started: ${summary.notStarted.join(', ')}`);
    }
  } finally {
    progress.clear();
    out.caller.close();
  }
  out.finish({ maxActions: options.maxActions, journal: options.journal.location });
  if (!options.yes && planned > 0)
    io.stderr.write('keywarden: dry run: nothing changed (pass --yes to apply)\n');
  if (options.yes) io.stderr.write(`keywarden: journal: ${options.journal.location}\n`);
  if (undelivered > 0) {
    warn(io, [
      `${undelivered} notice(s) were not delivered; each is sent again by the next run until delivered once`,
    ]);
  }
  const signalled: StopSignal | null = stopSignal;
  if (signalled !== null) {
    logOf(io).error(`stopped; finish with: ${options.resumeCommand}`);
    return exitCodeFor(signalled);
  }
  if (failedAccounts > 0) return PARTIAL_EXIT_CODE;
  if (failedActions > 0) return 1;
  return heldByStoppedRuns > 0 ? HELD_BY_STOPPED_RUN_EXIT_CODE : 0;
}

function addFilteredOut(a: PlanFilteredOut, b: PlanFilteredOut): PlanFilteredOut {
  return {
    actions: a.actions + b.actions,
    deferred: a.deferred + b.deferred,
    blocked: a.blocked + b.blocked,
    skipped: a.skipped + b.skipped,
  };
}
