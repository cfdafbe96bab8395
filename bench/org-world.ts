/**
 * The organization worlds of the benchmark's organization part (and of its smoke test):
 * - {@link auditOrgWorld}: `generateWorld`'s organization as it comes (a neglected estate, OU tree);
 * - {@link applyOrgWorld}: the same organization tidied so that the default policy plans nothing,
 *   then exactly `dueKeys` keys spread over the accounts made due for deactivation (active, never
 *   used, 100 days old: UNUSED_CREDENTIALS revokes them, stage `revoke-unused`). Their ids are
 *   given (`AKIABENCHDUE…`), so the bench knows which keys must end up inactive, and only those.
 */
import { generateWorld } from '../src/emulator/generate-world.js';
import type { World, WorldAccessKey, WorldAccount, WorldUser } from '../src/emulator/world-types.js';

/** The role every generated account has for the management account to assume (generateWorld's default). */
export const ORG_ROLE_NAME = 'KeywardenAuditRole';

export interface OrgWorldOptions {
  readonly accounts: number;
  readonly usersPerAccount: number;
  readonly seed?: number;
}

export function auditOrgWorld(options: OrgWorldOptions): World {
  return generateWorld({ ...options, seed: options.seed ?? 42, organizationalUnits: true });
}

/** Age of a due key: past UNUSED_CREDENTIALS' 90 days, short of the rotation's deactivation (104). */
const DUE_KEY_AGE_DAYS = 100;
/** Every other key is younger than the rotation's warning (90 − 14 days) and used within a day. */
const TIDY_KEY_MAX_AGE_DAYS = 60;

/** The `index`-th due key's id: `AKIA` + 16 upper-case letters and digits, as IAM's. */
export function dueKeyId(index: number): string {
  return `AKIABENCHDUE${String(index).padStart(8, '0')}`;
}

function tidyKey(key: WorldAccessKey, userCreatedDaysAgo: number): WorldAccessKey {
  const created = Math.min(userCreatedDaysAgo, (key.createdDaysAgo ?? 0) % TIDY_KEY_MAX_AGE_DAYS);
  return {
    status: 'Active',
    createdDaysAgo: created,
    lastUsedDaysAgo: Math.min(created, 0.5),
    service: key.service ?? 's3',
    region: key.region ?? 'us-east-1',
  };
}

/** No finding that remediation acts on: keys young, active and in use; passwords used recently. */
function tidyUser(user: WorldUser): WorldUser {
  const created = user.createdDaysAgo ?? 0;
  const profile = user.loginProfile;
  return {
    ...user,
    accessKeys: (user.accessKeys ?? []).map((k) => tidyKey(k, created)),
    ...(profile
      ? {
          loginProfile: {
            ...profile,
            passwordLastUsedDaysAgo: Math.min(profile.createdDaysAgo ?? created, 0.5),
          },
        }
      : {}),
  };
}

/** The first key of `user` made due: active, never used, {@link DUE_KEY_AGE_DAYS} days old. */
function withDueKey(user: WorldUser, id: string): WorldUser {
  const [first, ...rest] = user.accessKeys ?? [];
  const due: WorldAccessKey = {
    id,
    status: 'Active',
    createdDaysAgo: DUE_KEY_AGE_DAYS,
    lastUsedDaysAgo: 'never',
  };
  return { ...user, accessKeys: first ? [due, ...rest] : [due] };
}

export interface ApplyOrgWorld {
  readonly world: World;
  /** `accountId/userName/accessKeyId` of every key that is due, in account order. */
  readonly dueKeys: readonly {
    readonly accountId: string;
    readonly userName: string;
    readonly accessKeyId: string;
  }[];
}

/**
 * A tidied organization with `dueKeys` keys due for deactivation, spread evenly over the accounts
 * (the first `dueKeys mod accounts` accounts get one more), each on a different user old enough
 * to have held the key for {@link DUE_KEY_AGE_DAYS} days.
 */
export function applyOrgWorld(options: OrgWorldOptions & { readonly dueKeys: number }): ApplyOrgWorld {
  const base = auditOrgWorld(options);
  const accounts = base.accounts ?? [];
  const dueKeys: { accountId: string; userName: string; accessKeyId: string }[] = [];
  const perAccount = Math.floor(options.dueKeys / accounts.length);
  const extra = options.dueKeys % accounts.length;
  const tidied: WorldAccount[] = accounts.map((account, a) => {
    const want = perAccount + (a < extra ? 1 : 0);
    const users = (account.users ?? []).map(tidyUser);
    // Exempt users (generateWorld tags about 2%) are never remediated: not candidates.
    const candidates = users.flatMap((u, i) =>
      (u.createdDaysAgo ?? 0) > DUE_KEY_AGE_DAYS && u.tags?.['keywarden:exempt'] === undefined ? [i] : [],
    );
    if (candidates.length < want) {
      throw new RangeError(
        `applyOrgWorld: account ${account.id} has ${candidates.length} users older than ${DUE_KEY_AGE_DAYS} days and not exempt, ` +
          `${want} keys are to be due there; use more users per account or fewer due keys`,
      );
    }
    // Evenly spaced over the account's candidates, so the due keys are not all at the start of the list.
    for (let k = 0; k < want; k++) {
      const index = candidates[Math.floor((k * candidates.length) / want)] as number;
      const user = users[index] as WorldUser;
      const accessKeyId = dueKeyId(dueKeys.length);
      users[index] = withDueKey(user, accessKeyId);
      dueKeys.push({ accountId: account.id, userName: user.name, accessKeyId });
    }
    return { ...account, users };
  });
  return { world: { ...base, accounts: tidied }, dueKeys };
}
