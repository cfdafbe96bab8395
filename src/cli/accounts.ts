/**
 * The multi-account flags every account-level command shares (`audit`, `plan`, `apply`, `undo`):
 * which accounts (`--org` with `--ous` / `--include-accounts` / `--exclude-accounts`, or
 * `--accounts`), how to get into each (`--role-name`, `--external-id`), and how many at once
 * (`--concurrency`). Parsing is checked before any AWS call; the selection is the core's, resolving
 * the accounts and reaching each one the engine's (src/engine/resolve-accounts.ts).
 */
import type { Command } from 'commander';
import { ACCOUNT_ID_PATTERN, type AccountSelection } from '../core/accounts.js';
import { type AwsConnection, DEFAULT_MEMBER_ROLE } from '../engine/connect.js';
import { connectResolved, PARENT_ID_PATTERN, type ResolvedAccounts } from '../engine/resolve-accounts.js';
import { CliError, parseIntegerOption } from './errors.js';
import type { CliIO } from './io.js';
import type { Connected } from './session.js';

export interface AccountFlags {
  readonly org?: boolean;
  readonly accounts?: string;
  readonly includeAccounts?: string;
  readonly excludeAccounts?: string;
  readonly ous?: string;
  readonly roleName?: string;
  readonly externalId?: string;
  readonly concurrency?: string;
}

const DEFAULT_ACCOUNT_CONCURRENCY = 8;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** `concurrency: false` for a command that works in one account (undo). */
export function addAccountOptions(
  command: Command,
  options: { readonly concurrency?: boolean } = {},
): Command {
  command
    .option(
      '--org',
      'every active account of the AWS Organization (from the management account or a delegated administrator)',
    )
    .option(
      '--ous <ids>',
      'with --org: only accounts under these OUs (comma-separated ou-… or r-… ids; child OUs included)',
    )
    .option('--include-accounts <ids>', 'with --org: only these account ids (comma-separated)')
    .option('--exclude-accounts <ids>', 'with --org or --accounts: leave these account ids out')
    .option('--accounts <ids>', 'these account ids (comma-separated), without Organizations')
    .option('--role-name <name>', `role to assume in each account (default ${DEFAULT_MEMBER_ROLE})`)
    .option('--external-id <id>', 'external id the role trust requires (optional)');
  if (options.concurrency !== false) {
    command.option(
      '--concurrency <n>',
      `accounts worked on at once (1-64, default ${DEFAULT_ACCOUNT_CONCURRENCY})`,
    );
  }
  return command;
}

/** Where a run goes: the caller's own account, or many. */
export type AccountTarget =
  | { readonly kind: 'single' }
  | {
      readonly kind: 'many';
      /** `org`: listed by Organizations; `list`: given with --accounts. */
      readonly source: 'org' | 'list';
      readonly accounts: readonly string[];
      readonly ous: readonly string[];
      readonly include: readonly string[] | null;
      readonly exclude: readonly string[];
      readonly roleName: string;
      readonly externalId: string | null;
      readonly concurrency: number;
    };

function idList(flag: string, raw: string, pattern: RegExp, what: string): string[] {
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length === 0) throw new CliError(`${flag}: give at least one ${what} (got ${JSON.stringify(raw)})`);
  const bad = ids.find((id) => !pattern.test(id));
  if (bad !== undefined) throw new CliError(`${flag}: ${JSON.stringify(bad)} is not ${what}`);
  return ids;
}

const ACCOUNT_ID = 'a 12-digit account id';

/** Reads the flags; every mistake is one line naming the flag, before any AWS call. */
export function parseAccountTarget(flags: AccountFlags): AccountTarget {
  const manyOnly: [keyof AccountFlags, string][] = [
    ['ous', '--ous'],
    ['includeAccounts', '--include-accounts'],
    ['excludeAccounts', '--exclude-accounts'],
    ['roleName', '--role-name'],
    ['externalId', '--external-id'],
    ['concurrency', '--concurrency'],
  ];
  if (!flags.org && flags.accounts === undefined) {
    const stray = manyOnly.find(([key]) => flags[key] !== undefined);
    if (stray) throw new CliError(`${stray[1]}: only with --org or --accounts`);
    return { kind: 'single' };
  }
  if (flags.org && flags.accounts !== undefined) {
    throw new CliError(
      '--accounts: not with --org (use --include-accounts to pick accounts of the organization)',
    );
  }
  if (!flags.org) {
    if (flags.ous !== undefined) throw new CliError('--ous: only with --org');
    if (flags.includeAccounts !== undefined) throw new CliError('--include-accounts: only with --org');
  }
  const roleName = flags.roleName ?? DEFAULT_MEMBER_ROLE;
  if (!ROLE_NAME.test(roleName)) {
    throw new CliError(`--role-name: not an IAM role name (got ${JSON.stringify(roleName)})`);
  }
  if (flags.externalId !== undefined && !EXTERNAL_ID.test(flags.externalId)) {
    throw new CliError('--external-id: 2 to 1224 characters of letters, digits and +=,.@:/-');
  }
  return {
    kind: 'many',
    source: flags.org ? 'org' : 'list',
    accounts:
      flags.accounts === undefined
        ? []
        : idList('--accounts', flags.accounts, ACCOUNT_ID_PATTERN, ACCOUNT_ID),
    ous:
      flags.ous === undefined
        ? []
        : idList('--ous', flags.ous, PARENT_ID_PATTERN, 'an OU id (ou-…) or root id (r-…)'),
    include:
      flags.includeAccounts === undefined
        ? null
        : idList('--include-accounts', flags.includeAccounts, ACCOUNT_ID_PATTERN, ACCOUNT_ID),
    exclude:
      flags.excludeAccounts === undefined
        ? []
        : idList('--exclude-accounts', flags.excludeAccounts, ACCOUNT_ID_PATTERN, ACCOUNT_ID),
    roleName,
    externalId: flags.externalId ?? null,
    concurrency:
      flags.concurrency === undefined
        ? DEFAULT_ACCOUNT_CONCURRENCY
        : parseIntegerOption('--concurrency', flags.concurrency, 1, 64),
  };
}

/**
 * The clients for one of the resolved accounts: the caller's own for its own account, an assumed
 * role elsewhere (src/engine/resolve-accounts.ts). `assume()` gets the role's credentials up front,
 * so a role that cannot be assumed fails as `sts:AssumeRole <arn> failed: …` before anything else
 * is tried in that account.
 */
export function connectOrgAccount(
  connection: AwsConnection,
  resolved: ResolvedAccounts,
  accountId: string,
): Connected & { assume(): Promise<void> } {
  const member = connectResolved(connection, resolved, accountId);
  const { iam, sts, ssm, secretsManager } = member.clients;
  return {
    iam,
    sts,
    ssm,
    secretsManager,
    serviceNow: member.clock,
    calibrate: member.calibrate,
    close: member.close,
    assume: member.assume,
  };
}

/**
 * Progress for a terminal on stderr: accounts done of total, users seen, elapsed time. Prints
 * nothing when stderr is not a terminal.
 */
export function accountProgress(io: CliIO, total: number, startedAt = Date.now()) {
  let done = 0;
  let users = 0;
  const tty = !!io.stderr.isTTY;
  const draw = () => {
    if (!tty) return;
    const seconds = Math.floor((Date.now() - startedAt) / 1000);
    const elapsed = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    io.stderr.write(`\r\x1b[2K… accounts ${done}/${total} · users ${users} · ${elapsed}`);
  };
  return {
    accountDone(usersSeen: number) {
      done++;
      users += usersSeen;
      draw();
    },
    start: draw,
    clear() {
      if (tty) io.stderr.write('\r\x1b[2K');
    },
  };
}

/** One line per account the selection left out, for stderr. */
export function skippedLines(resolved: AccountSelection): string[] {
  return resolved.skipped.map(
    (s) => `account ${s.account.id}${s.account.name ? ` (${s.account.name})` : ''} skipped: ${s.reason}`,
  );
}
