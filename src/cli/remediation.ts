/**
 * What `plan`, `apply`, `rotate` and `undo` share: flags → policy, cap, journal, clients and the
 * engine's dependencies. Every flag and the policy are validated before any AWS call.
 */
import { dirname, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { remediationPolicy } from '../core/policy/inventory-mode.js';
import { INVENTORY_MODES, type JournalConfig, type Policy } from '../core/policy/types.js';
import type { AwsConnection } from '../engine/connect.js';
import {
  type Journal,
  type JournalSpec,
  journalClientConfig,
  parseJournalLocation,
} from '../engine/journal.js';
import { describeHold, type HeldElsewhere } from '../engine/lease.js';
import { channelProblems, createNotifier } from '../engine/notify.js';
import type { RemediationDeps } from '../engine/types.js';
import type { AccountFlags } from './accounts.js';
import { type AwsFlags, addAwsOptions, connectionFrom } from './connection.js';
import { CliError, parseChoice, parseIntegerOption, parseNow } from './errors.js';
import type { CliIO } from './io.js';
import { logOf } from './log.js';
import { stateDirectory } from './paths.js';
import { type LoadedPolicy, loadPolicy } from './policy-loader.js';
import { connect, openJournalAt, type Session } from './session.js';

/** Where the journal lives when nothing says otherwise: per user, not per directory. */
export const DEFAULT_JOURNAL =
  '$XDG_STATE_HOME/keywarden/journal.jsonl (~/.local/state/keywarden/journal.jsonl)';

/** The `--journal` option's help, the same on every command that reads or writes the journal. */
export const JOURNAL_HELP = `journal: a file, or dynamodb://TABLE (default: KEYWARDEN_JOURNAL, else the policy's journal.location, else ${DEFAULT_JOURNAL})`;

/** The policy's journal settings and where a relative path in them is read from. */
export interface PolicyJournal {
  readonly config: JournalConfig;
  /** Names the policy in messages. */
  readonly source: string;
  readonly baseDir: string;
}

/** The journal settings of a loaded policy. */
export function policyJournal(loaded: LoadedPolicy, io: CliIO): PolicyJournal {
  return {
    config: loaded.policy.journal,
    source: loaded.source ?? 'policy',
    baseDir: loaded.path === null ? io.cwd : dirname(loaded.path),
  };
}

/**
 * The journal a command uses: `--journal`, else `KEYWARDEN_JOURNAL`, else the policy's
 * `journal.location`, else the user's state directory (XDG state home). A file journal never
 * depends on the current directory unless named relative to it, so a run from elsewhere sees the
 * same deactivation records and does not delete keys early. A bad location is one line naming
 * where it came from (exit 2), before any AWS call.
 */
export function journalSpec(
  flag: string | undefined,
  io: CliIO,
  policy: PolicyJournal | null = null,
): JournalSpec {
  const located = (raw: string, field: string, baseDir: string): JournalSpec => {
    const spec = parseJournalLocation(raw, field);
    return spec.kind === 'file' ? { kind: 'file', path: resolve(baseDir, spec.path) } : spec;
  };
  if (flag !== undefined) return located(flag, '--journal', io.cwd);
  const fromEnv = io.env.KEYWARDEN_JOURNAL;
  if (fromEnv !== undefined && fromEnv !== '') return located(fromEnv, 'KEYWARDEN_JOURNAL', io.cwd);
  const fromPolicy = policy?.config.location ?? null;
  if (policy !== null && fromPolicy !== null) {
    return located(fromPolicy, `${policy.source}: journal.location`, policy.baseDir);
  }
  return { kind: 'file', path: join(stateDirectory(io.env), 'journal.jsonl') };
}

/**
 * Opens the journal `spec` names with the command's connection (a DynamoDB journal's endpoint is
 * `AWS_ENDPOINT_URL_DYNAMODB` when set, else `--endpoint-url` / `AWS_ENDPOINT_URL`).
 */
export function openCommandJournal(
  session: Session,
  spec: JournalSpec,
  connection: AwsConnection,
  io: CliIO,
  leaseSeconds?: number,
): Journal {
  return openJournalAt(session, spec, {
    clientConfig: journalClientConfig(connection, io.env),
    ...(connection.onCall === undefined ? {} : { onCall: connection.onCall }),
    ...(leaseSeconds === undefined ? {} : { leaseSeconds }),
  });
}

/**
 * The exit code of a run that found the account held by a run that stopped heartbeating (probably
 * dead): not 0, so cron and CI notice that nothing was done and someone may release the lease. A
 * live holder is 0: it is doing the work.
 */
export const HELD_BY_STOPPED_RUN_EXIT_CODE = 4;

/** What a lease message's release command needs: the journal, and the AWS flags this command got. */
export interface LeaseWhere {
  readonly journal: string;
  readonly flags: AwsFlags;
}

/** The command that releases a dead run's lease, with this command's journal and AWS flags. */
export function releaseCommand(accountId: string, where: LeaseWhere): string {
  return commandLine('keywarden journal release', [
    ['--account', accountId],
    ['--journal', where.journal],
    ...connectionFlags(where.flags),
  ]);
}

/** The flags of an `apply` that a resume of it repeats. */
export interface ResumableFlags extends RemediationFlags, AccountFlags {
  readonly format?: string;
}

/**
 * The exact command that finishes this `apply` run: its own flags, `--resume --yes` (this run's
 * changes were confirmed already), the journal it used by its full location (so neither the
 * directory nor KEYWARDEN_JOURNAL can point the resume elsewhere), and the policy by its full path.
 */
export function resumeCommand(flags: ResumableFlags, journal: string, cwd: string): string {
  return commandLine('keywarden apply --resume --yes', [
    ['--journal', journal],
    ['--config', flags.config === undefined ? undefined : resolve(cwd, flags.config)],
    ['--preset', flags.preset],
    ['--max-actions', flags.maxActions],
    ['--inventory', flags.inventory],
    ['--org', flags.org === true ? true : undefined],
    ['--accounts', flags.accounts],
    ['--ous', flags.ous],
    ['--include-accounts', flags.includeAccounts],
    ['--exclude-accounts', flags.excludeAccounts],
    ['--role-name', flags.roleName],
    ['--external-id', flags.externalId],
    ['--concurrency', flags.concurrency],
    ...connectionFlags(flags),
    ['--format', flags.format],
  ]);
}

function connectionFlags(flags: AwsFlags): [string, string | undefined][] {
  return [
    ['--profile', flags.profile],
    ['--region', flags.region],
    ['--endpoint-url', flags.endpointUrl],
    ['--connect-timeout', flags.connectTimeout],
    ['--request-timeout', flags.requestTimeout],
  ];
}

/** `command` and the flags that have a value (`true`: a flag without one), each value one shell word. */
function commandLine(
  command: string,
  flags: readonly (readonly [string, string | true | undefined])[],
): string {
  return [
    command,
    ...flags.flatMap(([flag, value]) =>
      value === undefined ? [] : value === true ? [flag] : [`${flag} ${shellWord(value)}`],
    ),
  ].join(' ');
}

/** `value` as one shell word. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/** What a run that found interrupted runs it was not asked to finish says: the exact command that does. */
export function interruptedMessage(resume: string, runIds: readonly string[]): string {
  return `an earlier run was interrupted; finish it first with ${resume} (it deletes keys created but never stored; interrupted: ${runIds.join(', ')})`;
}

/** What a command that found another run on the account, or on the file journal, says. */
function leasedMessage(held: HeldElsewhere, where: LeaseWhere): string {
  if ('kind' in held.lease || held.holder === 'live') {
    return `${describeHold(held.lease)}: this run did nothing; run it again once that run is done`;
  }
  const { lease } = held;
  switch (held.holder) {
    case 'stopped-heartbeating':
      return (
        `account ${lease.accountId} is held by run ${lease.runId} (${lease.command}), which has stopped heartbeating ` +
        `since ${lease.renewedAt} (probably dead); its lease lapses at ${lease.until}: this run did nothing; ` +
        `release it with: ${releaseCommand(lease.accountId, where)}`
      );
    default:
      return held.holder satisfies never;
  }
}

/** Says who holds the account (one stderr line) and returns the exit code for it. */
export function reportLeased(io: CliIO, held: HeldElsewhere, where: LeaseWhere): number {
  const message = leasedMessage(held, where);
  // A live holder is doing the work: exit 0, info; a stopped one explains exit 4: an error.
  if (held.holder === 'live') logOf(io).info(message);
  else logOf(io).error(message);
  return held.holder === 'live' ? 0 : HELD_BY_STOPPED_RUN_EXIT_CODE;
}

export interface RemediationFlags extends AwsFlags {
  readonly config?: string;
  readonly preset?: string;
  readonly now?: string;
  readonly maxActions?: string;
  readonly journal?: string;
  readonly inventory?: string;
}

/**
 * The options of the commands that plan remediation. `whatIf` commands (plan) take `--now`; a
 * command that changes AWS refuses it, because its changes happen now whatever it is told.
 */
export function addRemediationOptions(command: Command, options: { readonly whatIf: boolean }): Command {
  command
    .option('--config <file>', 'policy file (default: ./keywarden.yaml if present)')
    .option(
      '--preset <name>',
      'aws-config (the AWS runbook), cis (CIS v3.0.0), cis-3.0.0, cis-1.4.0, cis-1.2.0, rotation-165-180-185',
    )
    .addOption(
      options.whatIf
        ? new Option('--now <iso-time>', "plan as of this time (what-if); default: the service's time now")
        : new Option('--now <iso-time>').hideHelp(),
    )
    .option('--max-actions <n>', 'cap on changes per run (default: policy remediation.maxActions, 50)')
    .option('--journal <location>', JOURNAL_HELP)
    .option('--inventory <mode>', 'live (default for remediation: current state, per-user calls) or report');
  return addAwsOptions(command);
}

export interface RemediationContext {
  readonly policy: Policy;
  readonly maxActions: number;
  readonly journal: Journal;
  readonly warnings: readonly string[];
  /**
   * The engine's dependencies, on the service's clock (set from one call first when needed);
   * `notify` false leaves the notifier out (planning sends nothing).
   */
  deps(options: {
    readonly notify: boolean;
    readonly onResult?: RemediationDeps['onResult'];
  }): Promise<RemediationDeps>;
  close(): void;
}

/** A command that changes AWS acts at the service's time: it refuses `--now` (hidden in its help). */
export function refuseNow(now: string | undefined): void {
  if (now === undefined) return;
  throw new CliError(
    '--now: this command changes AWS, so it acts at the current time; use --now with plan, forecast or audit to see what would happen then',
  );
}

/**
 * Validates every flag and the policy, then connects (no AWS call is made here). `changesAws`
 * refuses `--now`: a change happens at the service's time, whatever the flag says.
 */
export function remediationContext(
  flags: RemediationFlags,
  io: CliIO,
  session: Session,
  options: { readonly changesAws: boolean },
): RemediationContext {
  if (options.changesAws) refuseNow(flags.now);
  const fixedNow = flags.now === undefined ? null : parseNow(flags.now);
  const inventoryMode =
    flags.inventory === undefined ? undefined : parseChoice('--inventory', flags.inventory, INVENTORY_MODES);
  const loaded = loadPolicy({ cwd: io.cwd, config: flags.config, preset: flags.preset });
  const maxActions =
    flags.maxActions === undefined
      ? loaded.policy.remediation.maxActions
      : parseIntegerOption('--max-actions', flags.maxActions, 0, 10_000);
  const policy = remediationPolicy(loaded.policy, inventoryMode ?? null);
  const spec = journalSpec(flags.journal, io, policyJournal(loaded, io));
  const connection = connectionFrom(flags, io);
  const journal = openCommandJournal(session, spec, connection, io, policy.journal.leaseSeconds);
  const clients = connect(session, connection);
  // A what-if (--now) plans at that time; otherwise at the service's time, which stamps the keys'
  // dates too (and the emulator's clock, however far a user moved it).
  const clock = fixedNow === null ? () => clients.serviceNow() : () => fixedNow;
  return {
    policy,
    maxActions,
    journal,
    // A channel that cannot work is worth knowing before a run counts on it.
    warnings: [...loaded.warnings, ...channelProblems(policy.notifications, io.env)],
    async deps({ notify, onResult }) {
      // A journal that cannot be used (a table that does not exist) is said before any other call.
      await journal.verify?.();
      if (fixedNow === null) await clients.calibrate();
      return {
        clients,
        clock,
        journal,
        notifier: notify
          ? createNotifier(policy.notifications, { env: io.env, connection, ssm: clients.ssm })
          : null,
        ...(connection.timeouts ? { timeouts: connection.timeouts } : {}),
        ...(onResult ? { onResult } : {}),
      };
    },
    close: () => {
      clients.close();
      journal.close?.();
    },
  };
}

/** Writes each warning as one stderr line (`--quiet` keeps them). */
export function warn(io: CliIO, warnings: readonly string[]): void {
  const log = logOf(io);
  for (const w of warnings) log.warn(w);
}

/**
 * Warns, on stderr, what each account of a many-account run found, prefixed with the account. A
 * warning about the journal (it starts with the journal's location) is the same for every account
 * of the run: it is written once, as it is. Returns the lines written (a json document lists them).
 */
export function accountWarner(
  io: CliIO,
  journalLocation: string,
): (accountId: string, warnings: readonly string[]) => string[] {
  const written = new Set<string>();
  return (accountId, warnings) => {
    const lines = warnings
      .map((w) => (w.startsWith(`${journalLocation}: `) ? w : `account ${accountId}: ${w}`))
      .filter((line) => !written.has(line));
    for (const line of lines) written.add(line);
    warn(io, lines);
    return lines;
  };
}

/** Asks on a terminal; nobody to ask means no. */
export async function confirm(io: CliIO, question: string): Promise<boolean> {
  return io.confirm ? io.confirm(question) : false;
}

/**
 * A one-line progress indicator on a terminal's stderr, cleared by `done()`. Not with `--quiet` or
 * `--log-format json`: the log then says stderr is no terminal.
 */
export function progressLine(io: CliIO): { readonly update: (m: string) => void; readonly done: () => void } {
  if (!io.stderr.isTTY) return { update: () => {}, done: () => {} };
  return {
    update: (m) => io.stderr.write(`\r\x1b[2K… ${m}`),
    done: () => io.stderr.write('\r\x1b[2K'),
  };
}
