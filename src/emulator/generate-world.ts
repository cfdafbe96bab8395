/**
 * Generates large, realistic worlds for benchmarks and scale tests: the same options always give
 * the same world: an organization managed by the first account, optionally with an OU tree and
 * member accounts the management account cannot reach (the role to assume is missing). The mix resembles a real estate of IAM users: about 1.6 access keys per user,
 * ages up to 600 days, roughly 30% of keys never used or stale, humans with console passwords
 * (mostly with MFA, about a third of them changed since the login profile was created), service
 * users with keys, and owner/team tags on most users.
 */
import { createRng, type Rng } from './random.js';
import type {
  World,
  WorldAccessKey,
  WorldAccount,
  WorldOrganization,
  WorldOrganizationalUnit,
  WorldUser,
} from './world-types.js';

export interface GenerateWorldOptions {
  /** Number of accounts, from 1; all join one organization managed by the first. */
  readonly accounts: number;
  /** IAM users in each account, from 0. */
  readonly usersPerAccount: number;
  /** Default 1. */
  readonly seed?: number;
  /**
   * Upper bound on key ages in days (default: the user's age, up to 600). A small value models a
   * well-kept estate where most keys are rotated on time; the default models a neglected one.
   */
  readonly keyMaxAgeDays?: number;
  /**
   * Puts member accounts in an OU tree by their names: Security (security, logging), Infrastructure
   * (shared-services, further management-N accounts), Workloads/Prod (prod, data, analytics),
   * Workloads/Staging, Workloads/Dev and Sandbox. Default false: every account under the root.
   */
  readonly organizationalUnits?: boolean;
  /** The role every account has for the management account to assume. Default `KeywardenAuditRole`. */
  readonly roleName?: string;
  /**
   * Member accounts that lack the role, so AssumeRole into them is refused (unreachable accounts),
   * chosen from the seed; never the management account. Default 0.
   */
  readonly accountsWithoutRole?: number;
}

/** Splits a space-separated list; keeps the name pools readable. */
function words(text: string): readonly string[] {
  return text.split(' ');
}

const FIRST_NAMES: readonly string[] = words(
  'aaron amara ana arjun beatriz chen chloe daniel diego elena fatima felix hana ibrahim isabel ' +
    'jamal jonas julia kai kofi lars leila lucas maria mateo mei nadia nikhil olga omar paula rafael ' +
    'ravi sara sofia tariq tomas yuki zainab zoe',
);
const LAST_NAMES: readonly string[] = words(
  'adams ahmed alvarez bauer chen costa dubois eriksen fischer garcia gupta hansen ito jensen kim ' +
    'kowalski lee lopez mensah moreau murphy nakamura nguyen novak okafor patel rossi santos schmidt ' +
    'silva singh tanaka wang weber wilson yilmaz',
);
const APPS: readonly string[] = words(
  'billing checkout orders payments search catalog inventory reports etl analytics media ' +
    'notifications auth ledger shipping pricing recommendations backup monitoring ci',
);
const APP_ROLES: readonly string[] = words('api worker sync exporter importer deployer bot job');
const TEAMS: readonly string[] = words('platform payments data web mobile security sre finance');
const ACCOUNT_NAMES: readonly string[] = words(
  'management prod staging dev sandbox shared-services security logging data analytics',
);
const SERVICES: readonly string[] = words('s3 s3 sts dynamodb sqs ec2 lambda sns iam cloudwatch');
const REGIONS: readonly string[] = words(
  'us-east-1 us-east-1 us-west-2 eu-west-1 eu-central-1 ap-southeast-2',
);
const HUMAN_PATHS: readonly string[] = words('/ / /engineering/ /data/ /contractors/');
const SERVICE_PATHS: readonly string[] = words('/ /apps/ /apps/ /service-accounts/');

const MAX_AGE_DAYS = 600;
const FIRST_ACCOUNT_ID = 100_000_000_000;

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

/** Days with two decimals (about 15 minutes), so two keys of one user rarely share a second. */
function days(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Last use of a key created `createdDaysAgo`: mostly recent, sometimes stale, sometimes never. */
function lastUse(rng: Rng, createdDaysAgo: number): WorldAccessKey['lastUsedDaysAgo'] {
  const roll = rng.next();
  if (roll < 0.15) return 'never';
  if (roll < 0.3 && createdDaysAgo >= 90) return days(90 + rng.next() * (createdDaysAgo - 90));
  if (roll < 0.8) return days(Math.min(createdDaysAgo, rng.next() * 7));
  return days(rng.next() * createdDaysAgo);
}

function key(rng: Rng, maxAgeDays: number, activeProbability: number): WorldAccessKey {
  const createdDaysAgo = days(rng.next() * maxAgeDays);
  const lastUsedDaysAgo = lastUse(rng, createdDaysAgo);
  return {
    status: rng.next() < activeProbability ? 'Active' : 'Inactive',
    createdDaysAgo,
    lastUsedDaysAgo,
    ...(lastUsedDaysAgo === 'never' ? {} : { service: pick(rng, SERVICES), region: pick(rng, REGIONS) }),
  };
}

function user(rng: Rng, taken: Set<string>, keyMaxAgeDays: number): WorldUser {
  const human = rng.next() < 0.6;
  const base = human
    ? `${pick(rng, FIRST_NAMES)}.${pick(rng, LAST_NAMES)}`
    : `${pick(rng, APPS)}-${pick(rng, APP_ROLES)}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);

  const createdDaysAgo = days(rng.next() * MAX_AGE_DAYS);
  const roll = rng.next();
  const keyCount = roll < 0.05 ? 0 : roll < 0.35 ? 1 : 2;
  const accessKeys: WorldAccessKey[] = [];
  const keyAge = Math.min(createdDaysAgo, keyMaxAgeDays);
  if (keyCount >= 1) accessKeys.push(key(rng, keyAge, 0.93));
  if (keyCount === 2) accessKeys.push(key(rng, keyAge, 0.6));

  const tags: Record<string, string> = {};
  const team = pick(rng, TEAMS);
  if (rng.next() < 0.8) tags.team = team;
  if (rng.next() < 0.7) tags['keywarden:owner'] = human ? `${name}@example.com` : `${team}-team@example.com`;
  if (rng.next() < 0.02) {
    tags['keywarden:exempt'] = 'true';
    tags['keywarden:exempt-reason'] = 'vendor-managed credential';
  }

  const hasConsole = human && rng.next() < 0.7;
  const loginCreated = days(rng.next() * createdDaysAgo);
  const passwordRoll = rng.next();
  return {
    name,
    path: pick(rng, human ? HUMAN_PATHS : SERVICE_PATHS),
    createdDaysAgo,
    tags,
    ...(human && rng.next() < 0.5 ? { groups: ['developers'] } : {}),
    mfa: hasConsole && rng.next() < 0.8,
    ...(hasConsole
      ? {
          loginProfile: {
            createdDaysAgo: loginCreated,
            passwordLastUsedDaysAgo:
              passwordRoll < 0.15
                ? 'never'
                : days(Math.min(loginCreated, rng.next() * (passwordRoll < 0.3 ? 200 : 10))),
          },
        }
      : {}),
    accessKeys,
  };
}

function account(
  rng: Rng,
  index: number,
  usersPerAccount: number,
  keyMaxAgeDays: number,
  roleName: string | null,
): WorldAccount {
  const id = String(FIRST_ACCOUNT_ID + index);
  const base = ACCOUNT_NAMES[index % ACCOUNT_NAMES.length] ?? 'account';
  const round = Math.floor(index / ACCOUNT_NAMES.length);
  const name = round === 0 ? base : `${base}-${round + 1}`;
  const taken = new Set<string>();
  const users: WorldUser[] = [];
  for (let u = 0; u < usersPerAccount; u++) users.push(user(rng, taken, keyMaxAgeDays));
  return {
    id,
    name,
    email: `aws+${name}@example.com`,
    createdDaysAgo: 1000,
    root: index === 0 ? { mfa: true } : { mfa: rng.next() < 0.9 },
    roles: roleName === null ? [] : [{ name: roleName }],
    ...(index === 0 ? { snsTopics: [{ name: 'keywarden-security' }] } : {}),
    users,
  };
}

function wholeNumber(value: number, min: number, field: string): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`generateWorld: ${field} must be an integer ≥ ${min} (got ${value})`);
  }
  return value;
}

/** Which leaf OU (path from the root) an account of this base name belongs in. */
const OU_OF_ACCOUNT: Readonly<Record<string, readonly string[]>> = {
  management: ['Infrastructure'],
  'shared-services': ['Infrastructure'],
  security: ['Security'],
  logging: ['Security'],
  prod: ['Workloads', 'Prod'],
  data: ['Workloads', 'Prod'],
  analytics: ['Workloads', 'Prod'],
  staging: ['Workloads', 'Staging'],
  dev: ['Workloads', 'Dev'],
  sandbox: ['Sandbox'],
};

/** The OU tree with each member account (all but the first) in the OU its name belongs to. */
function ouTree(accounts: readonly WorldAccount[]): WorldOrganizationalUnit[] {
  interface Node {
    readonly name: string;
    readonly accounts: string[];
    readonly children: Node[];
  }
  const roots: Node[] = [];
  const nodeAt = (path: readonly string[]): Node => {
    let level = roots;
    let node: Node | undefined;
    for (const name of path) {
      node = level.find((n) => n.name === name);
      if (!node) {
        node = { name, accounts: [], children: [] };
        level.push(node);
      }
      level = node.children;
    }
    return node as Node;
  };
  accounts.slice(1).forEach((acc, i) => {
    const base = ACCOUNT_NAMES[(i + 1) % ACCOUNT_NAMES.length] ?? 'management';
    nodeAt(OU_OF_ACCOUNT[base] ?? ['Infrastructure']).accounts.push(acc.id);
  });
  const toWorld = (node: Node): WorldOrganizationalUnit => ({
    name: node.name,
    ...(node.accounts.length > 0 ? { accounts: node.accounts } : {}),
    ...(node.children.length > 0 ? { children: node.children.map(toWorld) } : {}),
  });
  return roots.map(toWorld);
}

/** `count` distinct member account indexes (1 .. accounts-1), from their own generator. */
function withoutRole(seed: number, accounts: number, count: number): Set<number> {
  const rng = createRng((seed ^ 0x5bd1e995) >>> 0);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(1 + rng.int(accounts - 1));
  return chosen;
}

/**
 * Changes about a third of the console passwords some time after their login profile was created
 * (within the last 180 days), as users and administrators do: the credential report's
 * `password_last_changed` then differs from the profile's creation. Drawn from a generator of its
 * own, so every other value of the world is the same as without it.
 */
function withPasswordChanges(seed: number, accounts: readonly WorldAccount[]): WorldAccount[] {
  const rng = createRng((seed ^ 0x27d4eb2f) >>> 0);
  return accounts.map((acc) => ({
    ...acc,
    users: (acc.users ?? []).map((u) => {
      const profile = u.loginProfile;
      if (!profile || rng.next() >= 0.3) return u;
      const created = profile.createdDaysAgo ?? 0;
      return {
        ...u,
        loginProfile: { ...profile, passwordLastChangedDaysAgo: days(rng.next() * Math.min(created, 180)) },
      };
    }),
  }));
}

/** A world of `accounts` × `usersPerAccount` users, identical for identical options. */
export function generateWorld(options: GenerateWorldOptions): World {
  const accountCount = wholeNumber(options.accounts, 1, 'accounts');
  const usersPerAccount = wholeNumber(options.usersPerAccount, 0, 'usersPerAccount');
  const seed = wholeNumber(options.seed ?? 1, 0, 'seed');
  const rng = createRng(seed);
  const keyMaxAgeDays = wholeNumber(options.keyMaxAgeDays ?? MAX_AGE_DAYS, 1, 'keyMaxAgeDays');
  const missing = wholeNumber(options.accountsWithoutRole ?? 0, 0, 'accountsWithoutRole');
  if (missing > accountCount - 1) {
    throw new RangeError(
      `generateWorld: accountsWithoutRole must be at most the number of member accounts, ${accountCount - 1} (got ${missing})`,
    );
  }
  const roleName = options.roleName ?? 'KeywardenAuditRole';
  // Drawn from a generator of their own, so the users are the same with or without unreachable accounts.
  const unreachable = withoutRole(seed, accountCount, missing);
  const accounts: WorldAccount[] = [];
  for (let i = 0; i < accountCount; i++) {
    accounts.push(account(rng, i, usersPerAccount, keyMaxAgeDays, unreachable.has(i) ? null : roleName));
  }
  const managementAccountId = accounts[0]?.id ?? String(FIRST_ACCOUNT_ID);
  const changed = withPasswordChanges(seed, accounts);
  const organization: WorldOrganization = {
    id: `o-${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 10)}`,
    managementAccountId,
    ...(options.organizationalUnits ? { organizationalUnits: ouTree(accounts) } : {}),
  };
  return { organizations: [organization], accounts: changed };
}
