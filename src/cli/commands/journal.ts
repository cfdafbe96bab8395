import type { Command } from 'commander';
import {
  type AccountLease,
  createSharedJournal,
  JOURNAL_TABLE_SCHEMA,
  type Journal,
  parseJournalLocation,
} from '../../engine/journal.js';
import { type LeaseView, listLeases, releaseLease } from '../../engine/lease.js';
import type { Clock } from '../../engine/types.js';
import { type AwsFlags, addAwsOptions, connectionFrom } from '../connection.js';
import { CliError, parseChoice } from '../errors.js';
import { type CliIO, outputColumns } from '../io.js';
import { loadPolicy } from '../policy-loader.js';
import {
  HELD_BY_STOPPED_RUN_EXIT_CODE,
  JOURNAL_HELP,
  journalSpec,
  openCommandJournal,
  policyJournal,
  releaseCommand,
  warn,
} from '../remediation.js';
import { renderLeases } from '../render/leases.js';
import { connect, type Session } from '../session.js';

interface LeaseFlags extends AwsFlags {
  readonly journal?: string;
  readonly config?: string;
  readonly account?: string;
}

interface LeasesFlags extends LeaseFlags {
  readonly format: string;
}

interface ReleaseFlags extends LeaseFlags {
  readonly force?: boolean;
}

export function registerJournal(program: Command, io: CliIO, session: Session): void {
  const journal = program
    .command('journal')
    .description(
      'Set up a journal that every run shares (a DynamoDB table), see and release its account leases',
    )
    .addHelpText(
      'after',
      `
A file journal (the default) belongs to one user on one machine. A DynamoDB journal is shared by
every run, the CLI anywhere and the Lambda functions alike: one run acts on an account at a time.

Examples:
  $ keywarden journal create dynamodb://keywarden-journal
  $ keywarden apply --yes --journal dynamodb://keywarden-journal
  $ keywarden history --journal dynamodb://keywarden-journal
  $ keywarden journal leases --journal dynamodb://keywarden-journal
  $ keywarden journal release --account 111122223333 --journal dynamodb://keywarden-journal`,
    );
  const create = journal
    .command('create')
    .argument('<location>', 'dynamodb://TABLE')
    .description(
      'Create the DynamoDB table of a shared journal: on-demand billing, point-in-time recovery, TTL; idempotent',
    );
  addAwsOptions(create).addHelpText(
    'after',
    `
The table gets partition key ${JOURNAL_TABLE_SCHEMA.partitionKey} (S), sort key ${JOURNAL_TABLE_SCHEMA.sortKey} (S), on-demand billing,
point-in-time recovery and TTL on ${JOURNAL_TABLE_SCHEMA.timeToLiveAttribute} (lapsed leases only; records never expire). It waits until
the table is ACTIVE. Run it again at any time: a table with this key schema is kept and only what is
missing is turned on; a table with another key schema is an error and is left as it is. DynamoDB is
regional: use the same --region for every command that uses the journal. Its endpoint is
AWS_ENDPOINT_URL_DYNAMODB when set, else --endpoint-url.

Examples:
  $ keywarden journal create dynamodb://keywarden-journal --region eu-west-1
  $ keywarden apply --journal dynamodb://keywarden-journal --region eu-west-1
  $ echo 'journal: dynamodb://keywarden-journal' >> keywarden.yaml`,
  );
  create.action(async (location: string, flags: AwsFlags) => {
    const spec = parseJournalLocation(location, '<location>');
    if (spec.kind !== 'dynamodb') {
      throw new CliError(
        `<location>: journal create makes a DynamoDB table, give dynamodb://TABLE; a file journal is created by the first run that writes it (got ${JSON.stringify(location)})`,
      );
    }
    const connection = connectionFrom(flags, io);
    session.connection = connection;
    const result = await createSharedJournal(connection, io.env, spec.tableName);
    warn(io, result.warnings);
    const name = `dynamodb://${spec.tableName}`;
    if (result.created) {
      io.stdout.write(`${name}: ${result.changes.join(', ')}\n`);
    } else if (result.changes.length > 0) {
      io.stdout.write(
        `${name}: the table was there with the journal's key schema; ${result.changes.join(', ')}\n`,
      );
    } else {
      io.stdout.write(
        `${name}: already a Keywarden journal (key schema, point-in-time recovery, TTL); nothing changed\n`,
      );
    }
    io.stdout.write(
      `Use it with --journal ${name}, KEYWARDEN_JOURNAL=${name}, or "journal: ${name}" in keywarden.yaml\n`,
    );
  });
  registerLeases(journal, io, session);
  registerRelease(journal, io, session);
}

/** The options `journal leases` and `journal release` share: which journal, its AWS connection. */
function addLeaseOptions(command: Command): Command {
  command
    .option('--journal <location>', JOURNAL_HELP)
    .option(
      '--config <file>',
      'policy file, read only for journal.location (default: ./keywarden.yaml if present)',
    );
  return addAwsOptions(command);
}

const LEASE_CLOCK_HELP = `Leases are judged on the service's clock (AWS's time, from sts:GetCallerIdentity), as runs take
them: live (renewed within two heartbeats; a run renews its lease every third of it), stopped
heartbeating (two heartbeats missed: its run is probably dead; the lease still holds until it
lapses) or lapsed (free: the next run takes it). A file journal has no leases.`;

function registerLeases(journal: Command, io: CliIO, session: Session): void {
  const command = journal
    .command('leases')
    .description(
      'List the account leases of a shared journal: which run holds each account, and whether it is alive',
    )
    .option('--account <id>', 'only this account (reads one item; without it the table is scanned)')
    .option('-f, --format <format>', 'table or json', 'table');
  addLeaseOptions(command).addHelpText(
    'after',
    `
${LEASE_CLOCK_HELP}

The table shows, per account: its state (live, stopped, lapsed), the run holding it and its command,
its age (since the run took it), its last heartbeat (renewal) and when it lapses unless renewed,
relative to the service's clock, and how to release the lease of a run that stopped heartbeating.
--format json gives since, renewedAt and until as ISO-8601 times, ageSeconds and state.

Examples:
  $ keywarden journal leases --journal dynamodb://keywarden-journal
  $ keywarden journal leases --account 111122223333 --format json
  $ KEYWARDEN_JOURNAL=dynamodb://keywarden-journal keywarden journal leases --region eu-west-1`,
  );
  command.action(async (flags: LeasesFlags) => {
    const format = parseChoice('--format', flags.format, ['table', 'json'] as const);
    const accountId = flags.account === undefined ? undefined : accountFlag(flags.account);
    await withLeaseJournal(flags, io, session, async (journal, clock) => {
      const listed = await listLeases(journal, clock, accountId === undefined ? {} : { accountId });
      if (listed === null) {
        // A file journal: its run lock, if a run holds it.
        const lock = (await journal.lockHolder?.()) ?? null;
        io.stderr.write(`keywarden: ${noLeases(journal)}; ${lockLine(lock)}\n`);
        if (format === 'json') {
          const rows =
            lock === null
              ? []
              : [{ kind: 'journal-lock', ...lock.holder, state: lock.alive ? 'live' : 'stopped' }];
          io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        }
        return;
      }
      if (format === 'json') {
        io.stdout.write(`${JSON.stringify(listed.leases.map(leaseJson), null, 2)}\n`);
        return;
      }
      const where = { journal: journal.location, flags };
      io.stdout.write(
        renderLeases(listed.leases, {
          now: listed.at,
          journal: journal.location,
          releaseCommand: (id) => releaseCommand(id, where),
          columns: outputColumns(io),
        }),
      );
    });
  });
}

function registerRelease(journal: Command, io: CliIO, session: Session): void {
  const command = journal
    .command('release')
    .description(
      "Release an account's lease held by a run that stopped heartbeating (probably dead) or lapsed",
    )
    .requiredOption('--account <id>', 'the account whose lease to release')
    .option('--force', "also a live run's lease: that run stops before its next change");
  addLeaseOptions(command).addHelpText(
    'after',
    `
${LEASE_CLOCK_HELP}

Only the lease record that was read is deleted (a conditional delete): when its run renews it in
the meantime, nothing is released. A live run's lease is refused without --force (exit 2); with it,
that run finds its lease gone at its next renewal and stops before its next change (then finish it
with keywarden apply --resume). A run that finds the account held by a run that stopped
heartbeating exits ${HELD_BY_STOPPED_RUN_EXIT_CODE} and prints this command.

Examples:
  $ keywarden journal release --account 111122223333 --journal dynamodb://keywarden-journal
  $ keywarden journal release --account 111122223333 --force   # journal from KEYWARDEN_JOURNAL or keywarden.yaml`,
  );
  command.action(async (flags: ReleaseFlags) => {
    const accountId = accountFlag(flags.account ?? '');
    await withLeaseJournal(flags, io, session, async (journal, clock) => {
      const out = await releaseLease(journal, clock, { accountId, force: flags.force === true });
      const where = journal.location;
      switch (out.kind) {
        case 'no-leases':
          throw new CliError(
            `--journal: ${noLeases(journal)}; its run lock needs no release: ` +
              lockLine((await journal.lockHolder?.()) ?? null),
          );
        case 'not-held':
          io.stdout.write(`no lease on account ${accountId} in ${where}: nothing to release\n`);
          return;
        case 'refused-live':
          throw new CliError(
            `--account: account ${accountId} is held by run ${out.lease.runId} (${out.lease.command}), which is live ` +
              `(last heartbeat ${out.lease.renewedAt}); releasing it would take the account away from a live run: ` +
              'wait until that run is done, or pass --force',
          );
        case 'released': {
          const { lease } = out;
          const why =
            out.state === 'lapsed'
              ? `it had lapsed at ${lease.until}`
              : out.state === 'stopped-heartbeating'
                ? `its run stopped heartbeating at ${lease.renewedAt}`
                : `--force: run ${lease.runId} was live; it stops before its next change (finish it with keywarden apply --resume)`;
          io.stdout.write(
            `released the lease of run ${lease.runId} (${lease.command}) on account ${accountId} in ${where}: ${why}\n`,
          );
          return;
        }
        case 'changed':
          if (out.current === null) {
            io.stdout.write(
              `the lease on account ${accountId} in ${where} was released meanwhile: nothing to release\n`,
            );
            return;
          }
          throw new CliError(
            `--account: the lease on account ${accountId} changed since it was read (${describeLease(out.current)}): ` +
              'nothing was released; see keywarden journal leases',
          );
        default:
          return out satisfies never;
      }
    });
  });
}

/** `--account`: an AWS account id, checked before any call. */
function accountFlag(raw: string): string {
  if (/^\d{12}$/.test(raw)) return raw;
  throw new CliError(`--account: must be a 12-digit AWS account id (got ${JSON.stringify(raw)})`);
}

function noLeases(journal: Journal): string {
  return (
    `the file journal ${journal.location} has no leases: one run at a time uses the whole file (its run lock); ` +
    'account leases are kept by a shared journal: --journal dynamodb://TABLE'
  );
}

/** The file journal's run lock in a few words: who holds it, or that nobody does. */
function lockLine(lock: Awaited<ReturnType<NonNullable<Journal['lockHolder']>>>): string {
  if (lock === null) return 'no run holds it now';
  const { holder } = lock;
  const who = `run ${holder.runId} (${holder.command}, process ${holder.pid} on ${holder.hostname}) since ${holder.since}`;
  return lock.alive
    ? `it is in use by ${who}, until that run ends`
    : `it was locked by ${who}, which is no longer running: the next run takes the lock over`;
}

function describeLease(lease: AccountLease): string {
  return `now run ${lease.runId} (${lease.command}), last heartbeat ${lease.renewedAt}`;
}

function leaseJson(view: LeaseView) {
  const { lease } = view;
  return {
    accountId: lease.accountId,
    runId: lease.runId,
    command: lease.command,
    state: view.state,
    since: lease.since,
    renewedAt: lease.renewedAt,
    until: lease.until,
    ageSeconds: view.ageSeconds,
  };
}

/**
 * Opens the journal `journal leases` and `release` act on (`--journal`, else `KEYWARDEN_JOURNAL`,
 * else the policy's, else the file) and, when it has leases, the service's clock to judge them by.
 */
async function withLeaseJournal(
  flags: LeaseFlags,
  io: CliIO,
  session: Session,
  fn: (journal: Journal, clock: Clock) => Promise<void>,
): Promise<void> {
  const policy =
    flags.journal === undefined && !io.env.KEYWARDEN_JOURNAL
      ? policyJournal(loadPolicy({ cwd: io.cwd, config: flags.config }), io)
      : null;
  const spec = journalSpec(flags.journal, io, policy);
  // A file journal needs no AWS connection (nor a valid profile).
  const connection = spec.kind === 'dynamodb' ? connectionFrom(flags, io) : {};
  const journal = openCommandJournal(session, spec, connection, io);
  try {
    if (journal.leases === undefined) {
      // Nothing to judge, so no clock: the use case says the journal has no leases.
      await fn(journal, () => new Date(Number.NaN));
      return;
    }
    const clients = connect(session, connection);
    try {
      await clients.calibrate();
      await fn(journal, () => clients.serviceNow());
    } finally {
      clients.close();
    }
  } finally {
    journal.close?.();
  }
}
