/**
 * World files: the accounts, users, keys and resources an emulator starts with. Every time in a
 * world is relative ("N days ago", measured from the emulator clock when the world is applied), so
 * a world never goes stale. A world is validated in full (schema, then cross-field checks) before
 * anything is built, and every problem is reported as one line naming the file, the field and the
 * bad value.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import {
  type AccountState,
  addAccessKey,
  addAccount,
  addGroup,
  addRole,
  addUser,
  type EmulatorState,
  type KeyLastUsed,
  type Tag,
} from './state.js';

// ---------------------------------------------------------------------------------------------
// The world, as written in a file (YAML or JSON).
// ---------------------------------------------------------------------------------------------

/** Days before the clock's now, as a number ≥ 0 (fractions allowed); `never`, null or absent = never. */
export type LastUsedDaysAgo = number | 'never' | null;

export interface WorldAccessKey {
  /** Kept as given (`AKIA` + 16 upper-case letters or digits). Default: generated from the emulator's seed. */
  readonly id?: string;
  /** Default `Active`. */
  readonly status?: 'Active' | 'Inactive';
  /** Default: the user's `createdDaysAgo` (the key was created with the user). */
  readonly createdDaysAgo?: number;
  /** Default: never used. Must not exceed `createdDaysAgo`. */
  readonly lastUsedDaysAgo?: LastUsedDaysAgo;
  /** Service of the last use (`LastUsedServiceName`); default `s3`. Only with a last use. */
  readonly service?: string;
  /** Region of the last use; default the emulator's region (`us-east-1`). Only with a last use. */
  readonly region?: string;
}

export interface WorldLoginProfile {
  /** Default: the user's `createdDaysAgo`. Also becomes the password's last change. */
  readonly createdDaysAgo?: number;
  /** Default: never used. */
  readonly passwordLastUsedDaysAgo?: LastUsedDaysAgo;
  /** Default false. */
  readonly passwordResetRequired?: boolean;
}

export interface WorldUser {
  /** IAM user name, unique in its account (case-insensitively, as IAM compares them). */
  readonly name: string;
  /** Free text explaining why the user is in the world; ignored by the emulator. */
  readonly description?: string;
  /** IAM path; default `/`. */
  readonly path?: string;
  /** Default: the oldest time given for any of the user's credentials, else 0 (created now). */
  readonly createdDaysAgo?: number;
  readonly tags?: Readonly<Record<string, string>>;
  /** Group names; groups not declared on the account are created with path `/`. */
  readonly groups?: readonly string[];
  /** A virtual MFA device; default false. */
  readonly mfa?: boolean;
  /** A console password; absent or null = none. */
  readonly loginProfile?: WorldLoginProfile | null;
  /**
   * Only without `loginProfile`: a `PasswordLastUsed` left over after the login profile was
   * deleted (IAM keeps it).
   */
  readonly passwordLastUsedDaysAgo?: LastUsedDaysAgo;
  /** At most 2 (the AWS limit), in slot order: `access_key_1`, `access_key_2`. */
  readonly accessKeys?: readonly WorldAccessKey[];
}

export interface WorldRootAccessKey {
  /** Default true. */
  readonly active?: boolean;
  /** Default: the account's `createdDaysAgo`. */
  readonly createdDaysAgo?: number;
  readonly lastUsedDaysAgo?: LastUsedDaysAgo;
  /** Default `s3`; only with a last use. */
  readonly service?: string;
  /** Default the emulator's region; only with a last use. */
  readonly region?: string;
}

export interface WorldRoot {
  /** Default true. */
  readonly mfa?: boolean;
  readonly passwordLastUsedDaysAgo?: LastUsedDaysAgo;
  /** At most 2. Default none. */
  readonly accessKeys?: readonly WorldRootAccessKey[];
}

export interface WorldNamedPath {
  readonly name: string;
  /** Default `/`. */
  readonly path?: string;
}

export interface WorldSsmParameter {
  readonly name: string;
  readonly value: string;
  /** Default `String`. A `StringList` value is comma-separated. */
  readonly type?: 'String' | 'StringList' | 'SecureString';
  readonly description?: string;
}

export interface WorldSnsTopic {
  readonly name: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface WorldAccount {
  /** 12 digits, written as a quoted string. */
  readonly id: string;
  /** Default `account-<id>`. */
  readonly name?: string;
  /** Default `aws+<id>@example.com`. */
  readonly email?: string;
  /** Default `ACTIVE`. */
  readonly status?: 'ACTIVE' | 'SUSPENDED';
  /** When the account (and its root user) was created. Default: its oldest user or root key. */
  readonly createdDaysAgo?: number;
  /** Default: root with MFA, no access keys, password never used. */
  readonly root?: WorldRoot;
  readonly groups?: readonly WorldNamedPath[];
  readonly roles?: readonly WorldNamedPath[];
  readonly ssmParameters?: readonly WorldSsmParameter[];
  readonly snsTopics?: readonly WorldSnsTopic[];
  readonly users?: readonly WorldUser[];
}

export interface WorldOrganization {
  /** `o-` followed by 10 to 32 lower-case letters or digits. */
  readonly id: string;
  readonly managementAccountId: string;
  /** Must include the management account. Default: every account in the world. */
  readonly memberAccountIds?: readonly string[];
}

export interface World {
  /** Default none. The first organization's management account is the emulator's default account. */
  readonly organizations?: readonly WorldOrganization[];
  /** At least one. Without organizations the first account is the default account. */
  readonly accounts: readonly WorldAccount[];
}

/** A world file that cannot be read or is not valid; `errors` holds one line per problem. */
export class WorldError extends Error {
  override readonly name = 'WorldError';
  constructor(
    readonly errors: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(errors.join('\n'), options);
  }
}

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const MAX_DAYS = 36_500;
const DAYS_MESSAGE = 'expected a number ≥ 0';
const LAST_USED_MESSAGE = 'expected a number ≥ 0, or never';
const MAX_DAYS_MESSAGE = `expected at most ${MAX_DAYS} days (100 years)`;
const MAX_ERROR_LINES = 50;

const daysAgo = z
  .number({ error: DAYS_MESSAGE })
  .min(0, { error: DAYS_MESSAGE })
  .max(MAX_DAYS, { error: MAX_DAYS_MESSAGE });
const lastUsedDaysAgo = z.union(
  [
    z
      .number({ error: LAST_USED_MESSAGE })
      .min(0, { error: LAST_USED_MESSAGE })
      .max(MAX_DAYS, { error: MAX_DAYS_MESSAGE }),
    z.literal('never'),
    z.null(),
  ],
  { error: LAST_USED_MESSAGE },
);

function pattern(regex: RegExp, message: string) {
  return z.string({ error: message }).regex(regex, { error: message });
}

const ACCOUNT_ID_MESSAGE = 'expected a 12-digit account id in quotes, e.g. "111111111111"';
const accountId = pattern(/^\d{12}$/, ACCOUNT_ID_MESSAGE);
const iamName = (max: number) =>
  pattern(new RegExp(`^[\\w+=,.@-]{1,${max}}$`), `expected 1 to ${max} letters, digits or + = , . @ _ -`);
const iamPath = pattern(
  /^\/(?:[\x21-\x7e]{0,510}\/)?$/,
  'expected an IAM path that starts and ends with "/", e.g. /engineering/',
);
const serviceName = pattern(/^[a-z0-9-]{1,64}$/, 'expected a service signing name, e.g. s3 or sts');
const region = pattern(/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/, 'expected a region, e.g. us-east-1');
const tagText = (max: number) =>
  z
    .string({ error: 'expected a string; quote values such as "true" or dates' })
    .max(max, { error: `expected at most ${max} characters` });
const tags = z
  .record(
    z
      .string()
      .min(1, { error: 'tag keys must not be empty' })
      .max(128, { error: 'expected at most 128 characters' }),
    tagText(256),
    { error: 'expected a mapping of tag key to value' },
  )
  .refine((t) => Object.keys(t).length <= 50, { error: 'expected at most 50 tags' });

/** A strict object whose unknown-key error lists the keys that are allowed. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown field (allowed: ${allowed})` : undefined,
  });
}

const accessKeySchema = strict({
  id: pattern(/^AKIA[A-Z0-9]{16}$/, 'expected AKIA followed by 16 upper-case letters or digits').optional(),
  status: z.enum(['Active', 'Inactive']).optional(),
  createdDaysAgo: daysAgo.optional(),
  lastUsedDaysAgo: lastUsedDaysAgo.optional(),
  service: serviceName.optional(),
  region: region.optional(),
});

const loginProfileSchema = strict({
  createdDaysAgo: daysAgo.optional(),
  passwordLastUsedDaysAgo: lastUsedDaysAgo.optional(),
  passwordResetRequired: z.boolean().optional(),
});

const userSchema = strict({
  name: iamName(64),
  description: z.string().optional(),
  path: iamPath.optional(),
  createdDaysAgo: daysAgo.optional(),
  tags: tags.optional(),
  groups: z.array(iamName(128)).optional(),
  mfa: z.boolean().optional(),
  loginProfile: loginProfileSchema.nullable().optional(),
  passwordLastUsedDaysAgo: lastUsedDaysAgo.optional(),
  accessKeys: z.array(accessKeySchema).optional(),
});

const rootKeySchema = strict({
  active: z.boolean().optional(),
  createdDaysAgo: daysAgo.optional(),
  lastUsedDaysAgo: lastUsedDaysAgo.optional(),
  service: serviceName.optional(),
  region: region.optional(),
});

const rootSchema = strict({
  mfa: z.boolean().optional(),
  passwordLastUsedDaysAgo: lastUsedDaysAgo.optional(),
  accessKeys: z.array(rootKeySchema).optional(),
});

const namedPath = (max: number) => strict({ name: iamName(max), path: iamPath.optional() });

const accountSchema = strict({
  id: accountId,
  name: z.string().min(1).max(50).optional(),
  email: pattern(/^[^@\s]+@[^@\s]+$/, 'expected an email address').optional(),
  status: z.enum(['ACTIVE', 'SUSPENDED']).optional(),
  createdDaysAgo: daysAgo.optional(),
  root: rootSchema.optional(),
  groups: z.array(namedPath(128)).optional(),
  roles: z.array(namedPath(64)).optional(),
  ssmParameters: z
    .array(
      strict({
        name: pattern(/^[\w./-]{1,2048}$/, 'expected a parameter name such as /team/setting'),
        value: z.string().max(4096),
        type: z.enum(['String', 'StringList', 'SecureString']).optional(),
        description: z.string().max(1024).optional(),
      }),
    )
    .optional(),
  snsTopics: z
    .array(
      strict({
        name: pattern(/^[\w-]{1,256}$/, 'expected 1 to 256 letters, digits, _ or -'),
        tags: tags.optional(),
      }),
    )
    .optional(),
  users: z.array(userSchema).optional(),
});

const organizationSchema = strict({
  id: pattern(/^o-[a-z0-9]{10,32}$/, 'expected o- followed by 10 to 32 lower-case letters or digits'),
  managementAccountId: accountId,
  memberAccountIds: z.array(accountId).optional(),
});

const worldSchema = strict({
  organizations: z.array(organizationSchema).optional(),
  accounts: z
    .array(accountSchema, { error: 'expected a list of accounts' })
    .min(1, { error: 'expected at least one account' }),
});

const NOUNS: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

/** Messages for issues the schema does not word itself. */
const fallbackMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${NOUNS[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `expected at least ${issue.minimum} items`
        : `expected at least ${issue.minimum} characters`;
    case 'too_big':
      return issue.origin === 'array'
        ? `expected at most ${issue.maximum} items`
        : `expected at most ${issue.maximum} characters`;
    default:
      return undefined;
  }
};

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

type PathSegment = string | number;

interface Problem {
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** What was found, already rendered; null when the value is missing. */
  readonly got: string | null;
}

function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function show(value: unknown): string | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function line(source: string, problem: Problem): string {
  const where = problem.path.length === 0 ? '' : `${formatPath(problem.path)}: `;
  const got = problem.got === null ? '(missing)' : `(got ${problem.got})`;
  return `${source}: ${where}${problem.message} ${got}`;
}

function schemaProblems(error: z.ZodError, input: unknown): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({
          path: [...path, key],
          message: issue.message,
          got: show(valueAt(input, [...path, key])) ?? 'null',
        });
      }
    } else {
      problems.push({ path, message: issue.message, got: show(valueAt(input, path)) });
    }
  }
  return problems;
}

const numberOr = (value: LastUsedDaysAgo | undefined): number | null =>
  typeof value === 'number' ? value : null;

/** The user's age in days: given, or the oldest time mentioned for any of its credentials. */
function userAgeDays(user: WorldUser): number {
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

function accountAgeDays(account: WorldAccount): number {
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
    problems.push({ path, message, got: show(value) });

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
      problems.push({
        path: [...at, 'root', 'accessKeys'],
        message: 'at most 2 access keys for the root user (the AWS limit)',
        got: `${rootKeys.length} keys`,
      });
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
        problems.push({
          path: [...userPath, 'accessKeys'],
          message: 'at most 2 access keys per user (the AWS limit)',
          got: `${keys.length} keys`,
        });
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
  const parsed = worldSchema.safeParse(input, { error: fallbackMessage });
  const problems = parsed.success ? crossFieldProblems(parsed.data) : schemaProblems(parsed.error, input);
  if (problems.length === 0 && parsed.success) {
    const value: World = parsed.data;
    return { value, errors: [] };
  }
  const errors = problems.slice(0, MAX_ERROR_LINES).map((p) => line(source, p));
  if (problems.length > MAX_ERROR_LINES) {
    errors.push(
      `${source}: ${problems.length - MAX_ERROR_LINES} more problems not shown; fix the ones above first`,
    );
  }
  return { value: null, errors };
}

function parseJsonObject(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Parses a world from YAML (JSON is valid YAML). `source` names the file in every error line. */
export function parseWorld(text: string, source: string): { value: World | null; errors: string[] } {
  // Fast path for large generated worlds; invalid JSON falls through to YAML for a located error.
  const json = text.trimStart().startsWith('{') ? parseJsonObject(text) : undefined;
  if (json !== undefined) return validateWorld(json, source);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    const errors = document.errors.map((error) => {
      const { line: row, col } = lineCounter.linePos(error.pos[0]);
      return `${source}:${row}:${col}: YAML syntax error: ${error.message.split('\n')[0]}`;
    });
    return { value: null, errors };
  }
  return validateWorld(document.toJS(), source);
}

const READ_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file; check the path (the demo world is worlds/demo.yaml)',
  EISDIR: 'it is a directory; give the path of a .yaml or .json file',
  EACCES: 'permission denied',
};

/** Reads and validates a world file; throws a `WorldError` listing every problem. */
export async function loadWorldFile(path: string): Promise<World> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const detail = READ_PROBLEMS[code] ?? (error instanceof Error ? error.message : String(error));
    throw new WorldError([`cannot read world file ${path}: ${code} (${detail})`], { cause: error });
  }
  const { value, errors } = parseWorld(text, path);
  if (value === null) throw new WorldError(errors);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Applying a world to emulator state
// ---------------------------------------------------------------------------------------------

const MS_PER_DAY = 86_400_000;
const DEFAULT_SERVICE = 's3';

function toTags(record: Readonly<Record<string, string>> | undefined): Tag[] {
  return Object.entries(record ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

/**
 * Builds the world's accounts, users, keys and resources into `state`, with times measured back
 * from `state.clock.now()`. Validates first and throws a `WorldError` rather than build half a world.
 * Key ids not given in the world come from the state's seeded generator, so they are reproducible.
 */
export function applyWorld(state: EmulatorState, world: World): void {
  const { value, errors } = validateWorld(world, 'world');
  if (value === null) throw new WorldError(errors);

  const nowMs = state.clock.now().getTime();
  // Rounded to the millisecond first so 0.1-day steps don't lose a second to floating point.
  const daysAgo = (days: number) =>
    new Date(Math.floor((nowMs - Math.round(days * MS_PER_DAY)) / 1000) * 1000);
  const lastUse = (
    days: LastUsedDaysAgo | undefined,
    service: string | undefined,
    region: string | undefined,
  ): KeyLastUsed | null =>
    typeof days === 'number'
      ? { date: daysAgo(days), serviceName: service ?? DEFAULT_SERVICE, region: region ?? state.region }
      : null;

  for (const spec of value.accounts) {
    const accountAge = accountAgeDays(spec);
    const createDate = daysAgo(accountAge);
    const account = addAccount(state, { accountId: spec.id, name: spec.name, email: spec.email, createDate });
    account.status = spec.status ?? 'ACTIVE';

    const root = account.iam.root;
    root.mfaActive = spec.root?.mfa ?? true;
    root.passwordLastUsed = lastUse(spec.root?.passwordLastUsedDaysAgo, undefined, undefined)?.date ?? null;
    root.accessKeys = (spec.root?.accessKeys ?? []).map((key) => ({
      active: key.active ?? true,
      createDate: daysAgo(key.createdDaysAgo ?? accountAge),
      lastUsed: lastUse(key.lastUsedDaysAgo, key.service, key.region),
    }));

    for (const group of spec.groups ?? [])
      addGroup(state, account, { groupName: group.name, path: group.path, createDate });
    for (const role of spec.roles ?? [])
      addRole(state, account, { roleName: role.name, path: role.path, createDate });
    for (const parameter of spec.ssmParameters ?? []) {
      account.ssm.set(parameter.name, {
        name: parameter.name,
        type: parameter.type ?? 'String',
        value: parameter.value,
        version: 1,
        lastModifiedDate: createDate,
        ...(parameter.description === undefined ? {} : { description: parameter.description }),
      });
    }
    for (const topic of spec.snsTopics ?? []) {
      const arn = `arn:aws:sns:${state.region}:${account.accountId}:${topic.name}`;
      account.sns.topics.set(arn, {
        name: topic.name,
        arn,
        attributes: {},
        tags: toTags(topic.tags),
      });
    }
    for (const user of spec.users ?? []) applyUser(state, account, user, daysAgo, lastUse);
  }

  for (const org of value.organizations ?? []) {
    state.organizations.push({
      id: org.id,
      arn: `arn:aws:organizations::${org.managementAccountId}:organization/${org.id}`,
      managementAccountId: org.managementAccountId,
      memberAccountIds: [...(org.memberAccountIds ?? value.accounts.map((a) => a.id))],
    });
  }
  const firstAccount = value.accounts[0];
  state.defaultAccountId =
    value.organizations?.[0]?.managementAccountId ?? firstAccount?.id ?? state.defaultAccountId;
}

function applyUser(
  state: EmulatorState,
  account: AccountState,
  spec: WorldUser,
  daysAgo: (days: number) => Date,
  lastUse: (days: LastUsedDaysAgo | undefined, service?: string, region?: string) => KeyLastUsed | null,
): void {
  const userAge = userAgeDays(spec);
  const user = addUser(state, account, {
    userName: spec.name,
    path: spec.path,
    createDate: daysAgo(userAge),
    tags: toTags(spec.tags),
  });
  for (const groupName of new Set(spec.groups ?? [])) {
    addGroup(state, account, { groupName, createDate: account.iam.root.createDate });
    user.groups.push(groupName);
  }
  const profile = spec.loginProfile;
  if (profile) {
    const createDate = daysAgo(profile.createdDaysAgo ?? userAge);
    user.loginProfile = { createDate, passwordResetRequired: profile.passwordResetRequired ?? false };
    user.passwordLastChanged = createDate;
    user.passwordLastUsed = lastUse(profile.passwordLastUsedDaysAgo)?.date ?? null;
  } else {
    user.passwordLastUsed = lastUse(spec.passwordLastUsedDaysAgo)?.date ?? null;
  }
  if (spec.mfa) {
    user.mfaDevices.push({
      serialNumber: `arn:aws:iam::${account.accountId}:mfa/${spec.name}`,
      enableDate: user.loginProfile?.createDate ?? user.createDate,
    });
  }
  for (const key of spec.accessKeys ?? []) {
    addAccessKey(state, account, user, {
      accessKeyId: key.id,
      status: key.status ?? 'Active',
      createDate: daysAgo(key.createdDaysAgo ?? userAge),
      lastUsed: lastUse(key.lastUsedDaysAgo, key.service, key.region),
    });
  }
}
