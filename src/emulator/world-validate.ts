/**
 * Validates a world in full before anything is built: the schema first (world-schema.ts), then the
 * checks that span fields (duplicates, references, limits and the order of events in time). Every
 * problem is one line naming the source, the field path and the bad value, worded by the same
 * formatter as policy files.
 */
import { formatIssues, formatPath, formatProblem, genericMessage } from './document.js';
import { derivedRootId } from './organization-ids.js';
import { worldSchema } from './world-schema.js';
import type {
  LastUsedDaysAgo,
  World,
  WorldAccessKey,
  WorldAccount,
  WorldOrganization,
  WorldOrganizationalUnit,
  WorldRootAccessKey,
  WorldUser,
} from './world-types.js';

const MAX_ERROR_LINES = 50;

type PathSegment = string | number;

interface Problem {
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** The bad value; undefined when it is missing. */
  readonly value: unknown;
}

const numberOr = (value: LastUsedDaysAgo | undefined): number | null =>
  typeof value === 'number' ? value : null;

/** The user's age in days: given, or the oldest time mentioned for any of its credentials. */
export function userAgeDays(user: WorldUser): number {
  if (user.createdDaysAgo !== undefined) return user.createdDaysAgo;
  let age = numberOr(user.passwordLastUsedDaysAgo) ?? 0;
  for (const key of user.accessKeys ?? []) {
    age = Math.max(age, key.createdDaysAgo ?? 0, numberOr(key.lastUsedDaysAgo) ?? 0);
  }
  const profile = user.loginProfile;
  if (profile) {
    age = Math.max(age, profile.createdDaysAgo ?? 0, numberOr(profile.passwordLastUsedDaysAgo) ?? 0);
  }
  return age;
}

export function accountAgeDays(account: WorldAccount): number {
  if (account.createdDaysAgo !== undefined) return account.createdDaysAgo;
  let age = numberOr(account.root?.passwordLastUsedDaysAgo) ?? 0;
  for (const key of account.root?.accessKeys ?? []) {
    age = Math.max(age, key.createdDaysAgo ?? 0, numberOr(key.lastUsedDaysAgo) ?? 0);
  }
  for (const user of account.users ?? []) age = Math.max(age, userAgeDays(user));
  return age;
}

/** Checks that span fields: duplicates, references, limits and the order of events in time. */
function crossFieldProblems(world: World): Problem[] {
  const problems: Problem[] = [];
  const add = (path: readonly PathSegment[], message: string, value: unknown) =>
    problems.push({ path, message, value });

  const accountIndex = new Map<string, number>();
  world.accounts.forEach((account, a) => {
    const first = accountIndex.get(account.id);
    if (first === undefined) accountIndex.set(account.id, a);
    else add(['accounts', a, 'id'], `duplicate account id, already used by accounts[${first}]`, account.id);
  });

  const orgIndex = new Map<string, number>();
  const memberOf = new Map<string, number>();
  (world.organizations ?? []).forEach((org, o) => {
    const at = ['organizations', o] as const;
    const firstOrg = orgIndex.get(org.id);
    if (firstOrg === undefined) orgIndex.set(org.id, o);
    else add([...at, 'id'], `duplicate organization id, already used by organizations[${firstOrg}]`, org.id);
    if (!accountIndex.has(org.managementAccountId)) {
      add(
        [...at, 'managementAccountId'],
        'no account with this id is listed in accounts',
        org.managementAccountId,
      );
    }
    const members = org.memberAccountIds ?? world.accounts.map((acc) => acc.id);
    if (org.memberAccountIds !== undefined && !org.memberAccountIds.includes(org.managementAccountId)) {
      add(
        [...at, 'memberAccountIds'],
        `must include the management account ${org.managementAccountId}`,
        org.memberAccountIds,
      );
    }
    members.forEach((id, m) => {
      const path = org.memberAccountIds === undefined ? [...at] : [...at, 'memberAccountIds', m];
      if (org.memberAccountIds !== undefined && !accountIndex.has(id)) {
        add(path, 'no account with this id is listed in accounts', id);
        return;
      }
      const other = memberOf.get(id);
      if (other !== undefined && other !== o) {
        add(
          path,
          `account ${id} already belongs to organizations[${other}]; list memberAccountIds so each account is in one organization`,
          id,
        );
      } else {
        memberOf.set(id, o);
      }
    });
  });

  (world.organizations ?? []).forEach((org, o) => {
    organizationTreeProblems(add, ['organizations', o], org, world);
  });

  const keyIds = new Map<string, string>();
  world.accounts.forEach((account, a) => {
    const at = ['accounts', a] as const;
    // IAM names compare case-insensitively; SSM parameter and SNS topic names do not.
    for (const [field, items, caseInsensitive] of [
      ['groups', account.groups, true],
      ['roles', account.roles, true],
      ['ssmParameters', account.ssmParameters, false],
      ['snsTopics', account.snsTopics, false],
    ] as const) {
      const seen = new Map<string, number>();
      (items ?? []).forEach((item, i) => {
        const name = caseInsensitive ? item.name.toLowerCase() : item.name;
        const first = seen.get(name);
        if (first === undefined) seen.set(name, i);
        else add([...at, field, i, 'name'], `duplicate name, already used by ${field}[${first}]`, item.name);
      });
    }

    const accountAge = accountAgeDays(account);
    const rootKeys = account.root?.accessKeys ?? [];
    if (rootKeys.length > 2) {
      add(
        [...at, 'root', 'accessKeys'],
        'must hold at most 2 access keys for the root user (the AWS limit)',
        rootKeys,
      );
    }
    rootKeys.forEach((key, k) => {
      const keyPath = [...at, 'root', 'accessKeys', k];
      checkKeyTimes(add, keyPath, key, key.createdDaysAgo ?? accountAge, "the account's createdDaysAgo");
      if (account.createdDaysAgo !== undefined && (key.createdDaysAgo ?? 0) > account.createdDaysAgo) {
        add(
          [...keyPath, 'createdDaysAgo'],
          `must be ≤ the account's createdDaysAgo (${account.createdDaysAgo}): a key cannot predate its account`,
          key.createdDaysAgo,
        );
      }
    });

    const userIndex = new Map<string, number>();
    (account.users ?? []).forEach((user, u) => {
      const userPath = [...at, 'users', u] as const;
      const lower = user.name.toLowerCase();
      const first = userIndex.get(lower);
      if (first === undefined) userIndex.set(lower, u);
      else {
        add(
          [...userPath, 'name'],
          `duplicate user name in account ${account.id} (IAM names are case-insensitive), already used by users[${first}]`,
          user.name,
        );
      }
      const userAge = userAgeDays(user);
      const explicitAge = user.createdDaysAgo;
      const notBeforeUser = (path: readonly PathSegment[], days: number | null, what: string) => {
        if (explicitAge !== undefined && days !== null && days > explicitAge) {
          add(path, `must be ≤ the user's createdDaysAgo (${explicitAge}): ${what}`, days);
        }
      };

      const keys = user.accessKeys ?? [];
      if (keys.length > 2) {
        add([...userPath, 'accessKeys'], 'must hold at most 2 access keys per user (the AWS limit)', keys);
      }
      keys.forEach((key, k) => {
        const keyPath = [...userPath, 'accessKeys', k];
        if (key.id !== undefined) {
          const firstKey = keyIds.get(key.id);
          const here = formatPath(keyPath);
          if (firstKey === undefined) keyIds.set(key.id, here);
          else add([...keyPath, 'id'], `duplicate access key id, already used by ${firstKey}`, key.id);
        }
        notBeforeUser(
          [...keyPath, 'createdDaysAgo'],
          key.createdDaysAgo ?? null,
          'a key cannot predate its user',
        );
        checkKeyTimes(add, keyPath, key, key.createdDaysAgo ?? userAge, "the user's createdDaysAgo");
      });

      const profile = user.loginProfile;
      if (profile) {
        notBeforeUser(
          [...userPath, 'loginProfile', 'createdDaysAgo'],
          profile.createdDaysAgo ?? null,
          'a login profile cannot predate its user',
        );
        const profileAge = profile.createdDaysAgo ?? userAge;
        if (
          profile.passwordLastChangedDaysAgo !== undefined &&
          profile.passwordLastChangedDaysAgo > profileAge
        ) {
          add(
            [...userPath, 'loginProfile', 'passwordLastChangedDaysAgo'],
            `must be ≤ the login profile's createdDaysAgo (${profileAge}): a password cannot change before it exists`,
            profile.passwordLastChangedDaysAgo,
          );
        }
        notBeforeUser(
          [...userPath, 'loginProfile', 'passwordLastUsedDaysAgo'],
          numberOr(profile.passwordLastUsedDaysAgo),
          'a password cannot be used before its user exists',
        );
        if (user.passwordLastUsedDaysAgo !== undefined) {
          add(
            [...userPath, 'passwordLastUsedDaysAgo'],
            'not allowed together with loginProfile: use loginProfile.passwordLastUsedDaysAgo (this field is ' +
              'for a password last used before its login profile was deleted)',
            user.passwordLastUsedDaysAgo,
          );
        }
      } else {
        notBeforeUser(
          [...userPath, 'passwordLastUsedDaysAgo'],
          numberOr(user.passwordLastUsedDaysAgo),
          'a password cannot be used before its user exists',
        );
      }
    });
  });
  return problems;
}

/** AWS allows OUs five levels deep under the root. */
const MAX_OU_DEPTH = 5;

/** The OU tree and delegated administrators: members only, each account in one OU, names and ids unique. */
function organizationTreeProblems(
  add: (path: readonly PathSegment[], message: string, value: unknown) => void,
  at: readonly PathSegment[],
  org: WorldOrganization,
  world: World,
): void {
  const members = new Set(org.memberAccountIds ?? world.accounts.map((a) => a.id));
  const rootSuffix = (org.rootId ?? derivedRootId(org.id)).slice(2);
  const placed = new Map<string, string>();
  const ouIds = new Map<string, string>();
  const walk = (units: readonly WorldOrganizationalUnit[], path: readonly PathSegment[], depth: number) => {
    const names = new Map<string, number>();
    units.forEach((unit, u) => {
      const here = [...path, u];
      const first = names.get(unit.name);
      if (first === undefined) names.set(unit.name, u);
      else
        add([...here, 'name'], `duplicate OU name under one parent, already used by [${first}]`, unit.name);
      if (depth > MAX_OU_DEPTH) {
        add(here, `OUs nest at most ${MAX_OU_DEPTH} levels below the root (the AWS limit)`, unit.name);
      }
      if (unit.id !== undefined) {
        const firstId = ouIds.get(unit.id);
        if (firstId !== undefined)
          add([...here, 'id'], `duplicate OU id, already used by ${firstId}`, unit.id);
        else ouIds.set(unit.id, formatPath(here));
        if (unit.id.split('-')[1] !== rootSuffix) {
          add(
            [...here, 'id'],
            `must start with ou-${rootSuffix}- (the organization's root id without r-)`,
            unit.id,
          );
        }
      }
      (unit.accounts ?? []).forEach((id, i) => {
        const accountPath = [...here, 'accounts', i];
        if (!members.has(id)) {
          add(accountPath, 'must be a member account of this organization (see memberAccountIds)', id);
          return;
        }
        const elsewhere = placed.get(id);
        if (elsewhere !== undefined)
          add(accountPath, `an account sits in one OU; already in ${elsewhere}`, id);
        else placed.set(id, formatPath(here));
      });
      walk(unit.children ?? [], [...here, 'children'], depth + 1);
    });
  };
  walk(org.organizationalUnits ?? [], [...at, 'organizationalUnits'], 1);

  const admins = new Set<string>();
  (org.delegatedAdministrators ?? []).forEach((id, i) => {
    const path = [...at, 'delegatedAdministrators', i];
    if (id === org.managementAccountId) {
      add(path, 'must not be the management account, which administers the organization already', id);
    } else if (!members.has(id)) {
      add(path, 'must be a member account of this organization (see memberAccountIds)', id);
    } else if (admins.has(id)) {
      add(path, 'is listed twice', id);
    }
    admins.add(id);
  });
}

function checkKeyTimes(
  add: (path: readonly PathSegment[], message: string, value: unknown) => void,
  keyPath: readonly PathSegment[],
  key: WorldAccessKey | WorldRootAccessKey,
  createdDaysAgo: number,
  defaultFrom: string,
): void {
  const lastUsed = numberOr(key.lastUsedDaysAgo);
  if (lastUsed !== null && lastUsed > createdDaysAgo) {
    const from = key.createdDaysAgo === undefined ? ` (from ${defaultFrom})` : '';
    add(
      [...keyPath, 'lastUsedDaysAgo'],
      `must be ≤ the key's createdDaysAgo (${createdDaysAgo}${from}): a key cannot be used before it was created`,
      lastUsed,
    );
  }
  if (lastUsed === null) {
    for (const field of ['service', 'region'] as const) {
      if (key[field] !== undefined) {
        add(
          [...keyPath, field],
          'only allowed when lastUsedDaysAgo is a number (this key was never used)',
          key[field],
        );
      }
    }
  }
}

/**
 * Validates an already-parsed world (from YAML, JSON or code). Pure: returns the world or every
 * problem, one line each, as `source: field.path: what is wrong (got value)`.
 */
export function validateWorld(input: unknown, source: string): { value: World | null; errors: string[] } {
  const parsed = worldSchema.safeParse(input, { error: genericMessage });
  let errors: string[];
  if (parsed.success) {
    const value: World = parsed.data;
    const problems = crossFieldProblems(value);
    if (problems.length === 0) return { value, errors: [] };
    errors = problems.map((p) => formatProblem(source, p.path, p.message, p.value));
  } else {
    errors = formatIssues(parsed.error.issues, input, source);
  }
  if (errors.length <= MAX_ERROR_LINES) return { value: null, errors };
  return {
    value: null,
    errors: [
      ...errors.slice(0, MAX_ERROR_LINES),
      `${source}: ${errors.length - MAX_ERROR_LINES} more problems not shown; fix the ones above first`,
    ],
  };
}
