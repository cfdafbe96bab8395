import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createClock } from '../../src/emulator/clock.js';
import { createState, type EmulatorState } from '../../src/emulator/state.js';
import { loadWorldFile, parseWorld, WorldError } from '../../src/emulator/world.js';
import { applyWorld } from '../../src/emulator/world-apply.js';
import type { World } from '../../src/emulator/world-types.js';
import { daysAgo, NOW } from './builders.js';

const DEMO_WORLD_PATH = fileURLToPath(new URL('../../worlds/demo.yaml', import.meta.url));

function stateAt(now = NOW, seed = 1): EmulatorState {
  return createState({ clock: createClock({ start: now, frozen: true }), seed });
}

function userOf(state: EmulatorState, accountId: string, userName: string) {
  const found = state.accounts.get(accountId)?.iam.users.get(userName);
  if (!found) throw new Error(`no user ${userName} in ${accountId}`);
  return found;
}

/** Parses YAML expected to be invalid and returns its error lines. */
function errorsOf(yaml: string): string[] {
  const { value, errors } = parseWorld(yaml, 'w.yaml');
  expect(value).toBeNull();
  return errors;
}

const ONE_ACCOUNT = `
accounts:
  - id: "111111111111"
    users:
`;

describe('the demo world', () => {
  it('loads and builds three accounts in one organization', async () => {
    // Prepare
    const world = await loadWorldFile(DEMO_WORLD_PATH);
    const state = stateAt();
    // Act
    applyWorld(state, world);
    // Assess
    expect([...state.accounts.keys()]).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(state.organizations).toHaveLength(1);
    expect(state.organizations[0]).toMatchObject({
      id: 'o-demo1234567',
      arn: 'arn:aws:organizations::111111111111:organization/o-demo1234567',
      managementAccountId: '111111111111',
      memberAccountIds: ['111111111111', '222222222222', '333333333333'],
      delegatedAdministratorIds: [],
    });
    const org = state.organizations[0]!;
    const names = new Map(org.organizationalUnits.map((ou) => [ou.id, ou.name]));
    expect(org.organizationalUnits.map((ou) => `${names.get(ou.parentId) ?? 'Root'}/${ou.name}`)).toEqual([
      'Root/Workloads',
      'Workloads/Prod',
      'Workloads/Dev',
    ]);
    expect([...org.accountParents].map(([account, ou]) => `${account}:${names.get(ou)}`)).toEqual([
      '222222222222:Prod',
      '333333333333:Dev',
    ]);
    // Sessions expire as AWS's do; the demo assumes its role again after moving the clock.
    expect(state.sts.sessionsExpire).toBe(true);
    expect(state.defaultAccountId).toBe('111111111111');
    const users = [...state.accounts.values()].reduce((n, a) => n + a.iam.users.size, 0);
    expect(users).toBeGreaterThanOrEqual(35);
    expect(users).toBeLessThanOrEqual(45);
    for (const account of state.accounts.values()) {
      expect(account.iam.roles.has('KeywardenAuditRole')).toBe(true);
      expect(account.iam.roles.has('OrganizationAccountAccessRole')).toBe(
        account.accountId !== '111111111111',
      );
    }
    expect(state.accounts.get('111111111111')?.sns.topics.size).toBe(1);
  });

  it('computes times from the clock and keeps explicit key ids', async () => {
    const state = stateAt();
    applyWorld(state, await loadWorldFile(DEMO_WORLD_PATH));
    const demoApp = userOf(state, '222222222222', 'demo-app');
    expect(demoApp.accessKeys).toHaveLength(1);
    expect(demoApp.accessKeys[0]).toMatchObject({
      accessKeyId: 'AKIAEXAMPLEDEMOAPP01',
      status: 'Active',
      createDate: daysAgo(100),
      lastUsed: { date: daysAgo(0.5), serviceName: 's3', region: 'us-east-1' },
    });
    expect(state.keyIndex.get('AKIAEXAMPLEDEMOAPP01')).toEqual({
      accountId: '222222222222',
      userName: 'demo-app',
    });
  });

  it('gives exactly one account an active root access key', async () => {
    const state = stateAt();
    applyWorld(state, await loadWorldFile(DEMO_WORLD_PATH));
    const withRootKeys = [...state.accounts.values()].filter((a) => a.iam.root.accessKeys.length > 0);
    expect(withRootKeys.map((a) => a.accountId)).toEqual(['111111111111']);
    expect(withRootKeys[0]?.iam.root.accessKeys).toEqual([
      {
        active: true,
        createDate: daysAgo(500),
        lastUsed: { date: daysAgo(30), serviceName: 'iam', region: 'us-east-1' },
      },
    ]);
  });

  it('builds login profiles, leftover passwords, MFA, groups and the SSM exclusion list', async () => {
    const state = stateAt();
    applyWorld(state, await loadWorldFile(DEMO_WORLD_PATH));
    const liam = userOf(state, '333333333333', 'liam.wilson');
    expect(liam.loginProfile?.createDate).toEqual(daysAgo(300));
    expect(liam.passwordLastChanged).toEqual(daysAgo(300));
    expect(liam.passwordLastUsed).toEqual(daysAgo(90));
    expect(liam.mfaDevices).toHaveLength(1);
    const tomas = userOf(state, '222222222222', 'tomas.garcia');
    expect(tomas.loginProfile).toBeNull();
    expect(tomas.passwordLastUsed).toEqual(daysAgo(100));
    expect(userOf(state, '333333333333', 'qa-runner').groups).toEqual(['developers', 'keywarden-exempt']);
    expect(
      state.accounts.get('222222222222')?.ssm.get('/iam-unused-user-cleanup/excluded-users'),
    ).toMatchObject({
      type: 'StringList',
      value: 'svc-legacy,etl-nightly',
    });
  });

  it('creates the ambiguity case: two keys of one user in the same second', async () => {
    const state = stateAt();
    applyWorld(state, await loadWorldFile(DEMO_WORLD_PATH));
    const [first, second] = userOf(state, '222222222222', 'image-resizer').accessKeys;
    expect(first?.createDate).toEqual(second?.createDate);
    expect(first?.accessKeyId).not.toBe(second?.accessKeyId);
  });

  it('generates the same key ids from the same seed', async () => {
    const world = await loadWorldFile(DEMO_WORLD_PATH);
    const ids = (state: EmulatorState) => [...state.keyIndex.keys()];
    const a = stateAt();
    const b = stateAt();
    applyWorld(a, world);
    applyWorld(b, world);
    expect(ids(a)).toEqual(ids(b));
  });
});

describe('applyWorld', () => {
  it('truncates fractional days to whole seconds', () => {
    const state = stateAt(new Date('2026-11-22T12:00:00Z'));
    applyWorld(state, {
      accounts: [{ id: '111111111111', users: [{ name: 'u', createdDaysAgo: 1.00001 }] }],
    });
    // 1.00001 days = 86,400.864 s: the .864 goes.
    expect(userOf(state, '111111111111', 'u').createDate).toEqual(
      new Date(NOW.getTime() - 86_400_000 - 1000),
    );
  });

  it('fills defaults: user age from its oldest credential, key age from the user, root with MFA', () => {
    const state = stateAt();
    applyWorld(state, {
      accounts: [
        {
          id: '111111111111',
          users: [{ name: 'bob', accessKeys: [{ createdDaysAgo: 40, lastUsedDaysAgo: 3 }, {}] }],
        },
      ],
    });
    const bob = userOf(state, '111111111111', 'bob');
    expect(bob.createDate).toEqual(daysAgo(40));
    expect(bob.path).toBe('/');
    expect(bob.accessKeys.map((k) => [k.status, k.createDate, k.lastUsed?.serviceName ?? null])).toEqual([
      ['Active', daysAgo(40), 's3'],
      ['Active', daysAgo(40), null],
    ]);
    const account = state.accounts.get('111111111111');
    expect(account?.iam.root).toMatchObject({ mfaActive: true, accessKeys: [], createDate: daysAgo(40) });
    expect(state.defaultAccountId).toBe('111111111111');
    expect(state.organizations).toEqual([]);
  });

  it('uses the first organization management account as the default account', () => {
    const state = stateAt();
    applyWorld(state, {
      organizations: [{ id: 'o-abcdefghij', managementAccountId: '222222222222' }],
      accounts: [{ id: '111111111111' }, { id: '222222222222' }],
    });
    expect(state.defaultAccountId).toBe('222222222222');
    expect(state.organizations[0]?.memberAccountIds).toEqual(['111111111111', '222222222222']);
  });

  it('builds a root and OU tree with AWS-format ids, the same for the same world', () => {
    const world: World = {
      organizations: [
        {
          id: 'o-abcdefghij',
          managementAccountId: '111111111111',
          delegatedAdministrators: ['222222222222'],
          organizationalUnits: [
            { name: 'Security', accounts: ['222222222222'] },
            {
              name: 'Workloads',
              children: [{ name: 'Prod', id: 'ou-x9y8-prod0001', accounts: ['333333333333'] }],
            },
          ],
          rootId: 'r-x9y8',
        },
      ],
      accounts: [{ id: '111111111111' }, { id: '222222222222' }, { id: '333333333333' }],
    };
    const a = stateAt();
    const b = stateAt();
    applyWorld(a, world);
    applyWorld(b, world);
    const org = a.organizations[0]!;
    expect(org.root).toEqual({
      id: 'r-x9y8',
      arn: 'arn:aws:organizations::111111111111:root/o-abcdefghij/r-x9y8',
      name: 'Root',
    });
    expect(org.organizationalUnits.map((ou) => [ou.name, ou.parentId])).toEqual([
      ['Security', 'r-x9y8'],
      ['Workloads', 'r-x9y8'],
      ['Prod', org.organizationalUnits[1]?.id],
    ]);
    for (const ou of org.organizationalUnits) expect(ou.id).toMatch(/^ou-x9y8-[a-z0-9]{8}$/);
    expect(org.organizationalUnits[2]?.arn).toBe(
      'arn:aws:organizations::111111111111:ou/o-abcdefghij/ou-x9y8-prod0001',
    );
    expect(org.accountParents.get('333333333333')).toBe('ou-x9y8-prod0001');
    expect(org.accountParents.has('111111111111')).toBe(false);
    expect(org.delegatedAdministratorIds).toEqual(['222222222222']);
    expect(b.organizations[0]?.organizationalUnits).toEqual(org.organizationalUnits);
  });

  it('derives a root id when none is given and keeps sessions expiring unless the world says otherwise', () => {
    const state = stateAt();
    applyWorld(state, {
      organizations: [{ id: 'o-abcdefghij', managementAccountId: '111111111111' }],
      accounts: [{ id: '111111111111' }],
    });
    expect(state.organizations[0]?.root.id).toMatch(/^r-[0-9a-z]{4}$/);
    expect(state.organizations[0]?.organizationalUnits).toEqual([]);
    expect(state.sts.sessionsExpire).toBe(true);
  });

  it('refuses an invalid world before building anything', () => {
    const state = stateAt();
    const world: World = { accounts: [{ id: '111111111111' }, { id: '111111111111' }] };
    expect(() => applyWorld(state, world)).toThrow(WorldError);
    expect(state.accounts.size).toBe(0);
  });
});

describe('parseWorld', () => {
  it('accepts JSON', () => {
    const { value, errors } = parseWorld(
      JSON.stringify({ accounts: [{ id: '123456789012', users: [{ name: 'a' }] }] }),
      'w.json',
    );
    expect(errors).toEqual([]);
    expect(value?.accounts[0]?.users?.[0]?.name).toBe('a');
  });

  it('accepts "never" and null as never used', () => {
    const { errors } = parseWorld(
      `${ONE_ACCOUNT}      - name: a\n        accessKeys: [{ createdDaysAgo: 5, lastUsedDaysAgo: never }, { lastUsedDaysAgo: null }]\n`,
      'w.yaml',
    );
    expect(errors).toEqual([]);
  });

  it.each([
    {
      kind: 'a bad number',
      yaml: `${ONE_ACCOUNT}      - name: a\n        accessKeys: [{ createdDaysAgo: abc }]\n`,
      line: 'w.yaml: accounts[0].users[0].accessKeys[0].createdDaysAgo: must be a number ≥ 0 (got "abc")',
    },
    {
      kind: 'a negative number',
      yaml: `${ONE_ACCOUNT}      - name: a\n        createdDaysAgo: -1\n`,
      line: 'w.yaml: accounts[0].users[0].createdDaysAgo: must be a number ≥ 0 (got -1)',
    },
    {
      kind: 'a bad last use',
      yaml: `${ONE_ACCOUNT}      - name: a\n        accessKeys: [{ createdDaysAgo: 5, lastUsedDaysAgo: sometimes }]\n`,
      line: 'w.yaml: accounts[0].users[0].accessKeys[0].lastUsedDaysAgo: must be a number ≥ 0, or never (got "sometimes")',
    },
    {
      kind: 'a policy the emulator does not know',
      yaml: `${ONE_ACCOUNT}      - name: a\n        attachedPolicies: [arn:aws:iam::aws:policy/NoSuchPolicy]\n`,
      line: 'w.yaml: accounts[0].users[0].attachedPolicies[0]: must be the ARN of an AWS managed policy the emulator knows: arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantine, arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2, arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3, arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::aws:policy/IAMUserChangePassword (got "arn:aws:iam::aws:policy/NoSuchPolicy")',
    },
    {
      kind: 'an unquoted account id',
      yaml: 'accounts:\n  - id: 111111111111\n',
      line: 'w.yaml: accounts[0].id: must be a 12-digit account id in quotes, e.g. "111111111111" (got 111111111111)',
    },
    {
      kind: 'a missing field',
      yaml: `${ONE_ACCOUNT}      - path: /x/\n`,
      line: 'w.yaml: accounts[0].users[0].name: is required; it must be 1 to 64 letters, digits or + = , . @ _ -',
    },
    {
      kind: 'an unknown field',
      yaml: `${ONE_ACCOUNT}      - name: a\n        mfaa: true\n`,
      line:
        'w.yaml: accounts[0].users[0].mfaa: unknown key; expected one of: name, description, path, createdDaysAgo, ' +
        'tags, groups, mfa, attachedPolicies, loginProfile, passwordLastUsedDaysAgo, accessKeys',
    },
    {
      kind: 'a bad status',
      yaml: `${ONE_ACCOUNT}      - name: a\n        accessKeys: [{ status: active }]\n`,
      line: 'w.yaml: accounts[0].users[0].accessKeys[0].status: must be one of: Active, Inactive (got "active")',
    },
    {
      kind: 'an unquoted tag value',
      yaml: `${ONE_ACCOUNT}      - name: a\n        tags: { "keywarden:exempt": true }\n`,
      line: 'w.yaml: accounts[0].users[0].tags.keywarden:exempt: must be a string; quote values such as "true" or dates (got true)',
    },
    {
      kind: 'no accounts',
      yaml: 'accounts: []\n',
      line: 'w.yaml: accounts: must list at least one account (got [])',
    },
    {
      kind: 'an empty file',
      yaml: '',
      line: 'w.yaml: (top level): must be a mapping (key: value) (got null)',
    },
    {
      kind: 'duplicate account ids',
      yaml: 'accounts:\n  - id: "111111111111"\n  - id: "111111111111"\n',
      line: 'w.yaml: accounts[1].id: duplicate account id, already used by accounts[0] (got "111111111111")',
    },
    {
      kind: 'duplicate user names',
      yaml: `${ONE_ACCOUNT}      - name: alice\n      - name: Alice\n`,
      line:
        'w.yaml: accounts[0].users[1].name: duplicate user name in account 111111111111 (IAM names are ' +
        'case-insensitive), already used by users[0] (got "Alice")',
    },
    {
      kind: 'duplicate key ids',
      yaml:
        `${ONE_ACCOUNT}      - name: a\n        accessKeys: [{ id: AKIAEXAMPLEDUPLIC001 }]\n` +
        '      - name: b\n        accessKeys: [{ id: AKIAEXAMPLEDUPLIC001 }]\n',
      line:
        'w.yaml: accounts[0].users[1].accessKeys[0].id: duplicate access key id, already used by ' +
        'accounts[0].users[0].accessKeys[0] (got "AKIAEXAMPLEDUPLIC001")',
    },
    {
      kind: 'an unknown member account',
      yaml:
        'organizations:\n  - id: o-abcdefghij\n    managementAccountId: "111111111111"\n' +
        '    memberAccountIds: ["111111111111", "999999999999"]\n' +
        'accounts:\n  - id: "111111111111"\n',
      line: 'w.yaml: organizations[0].memberAccountIds[1]: no account with this id is listed in accounts (got "999999999999")',
    },
    {
      kind: 'an unknown management account',
      yaml: 'organizations:\n  - id: o-abcdefghij\n    managementAccountId: "999999999999"\naccounts:\n  - id: "111111111111"\n',
      line: 'w.yaml: organizations[0].managementAccountId: no account with this id is listed in accounts (got "999999999999")',
    },
    {
      kind: 'an OU account outside the organization',
      yaml:
        'organizations:\n  - id: o-abcdefghij\n    managementAccountId: "111111111111"\n' +
        '    memberAccountIds: ["111111111111"]\n' +
        '    organizationalUnits: [{ name: Prod, accounts: ["222222222222"] }]\n' +
        'accounts:\n  - id: "111111111111"\n  - id: "222222222222"\n',
      line:
        'w.yaml: organizations[0].organizationalUnits[0].accounts[0]: must be a member account of this ' +
        'organization (see memberAccountIds) (got "222222222222")',
    },
    {
      kind: 'an account in two OUs',
      yaml:
        'organizations:\n  - id: o-abcdefghij\n    managementAccountId: "111111111111"\n' +
        '    organizationalUnits:\n      - { name: A, accounts: ["222222222222"] }\n' +
        '      - { name: B, children: [{ name: C, accounts: ["222222222222"] }] }\n' +
        'accounts:\n  - id: "111111111111"\n  - id: "222222222222"\n',
      line:
        'w.yaml: organizations[0].organizationalUnits[1].children[0].accounts[0]: an account sits in one OU; ' +
        'already in organizations[0].organizationalUnits[0] (got "222222222222")',
    },
    {
      kind: 'two sibling OUs of one name',
      yaml:
        'organizations:\n  - id: o-abcdefghij\n    managementAccountId: "111111111111"\n' +
        '    organizationalUnits: [{ name: Prod }, { name: Prod }]\naccounts:\n  - id: "111111111111"\n',
      line:
        'w.yaml: organizations[0].organizationalUnits[1].name: duplicate OU name under one parent, already ' +
        'used by [0] (got "Prod")',
    },
    {
      kind: 'an OU id of another root',
      yaml:
        'organizations:\n  - id: o-abcdefghij\n    managementAccountId: "111111111111"\n    rootId: r-ab12\n' +
        '    organizationalUnits: [{ name: Prod, id: ou-zz99-prod0001 }]\naccounts:\n  - id: "111111111111"\n',
      line:
        "w.yaml: organizations[0].organizationalUnits[0].id: must start with ou-ab12- (the organization's " +
        'root id without r-) (got "ou-zz99-prod0001")',
    },
    {
      kind: 'a malformed OU id',
      yaml:
        'organizations:\n  - id: o-abcdefghij\n    managementAccountId: "111111111111"\n' +
        '    organizationalUnits: [{ name: Prod, id: prod }]\naccounts:\n  - id: "111111111111"\n',
      line:
        'w.yaml: organizations[0].organizationalUnits[0].id: must be ou-, the root id without r-, a dash and ' +
        '8 to 32 lower-case letters or digits, e.g. ou-ab12-cd34ef56 (got "prod")',
    },
    {
      kind: 'the management account as delegated administrator',
      yaml:
        'organizations:\n  - id: o-abcdefghij\n    managementAccountId: "111111111111"\n' +
        '    delegatedAdministrators: ["111111111111"]\naccounts:\n  - id: "111111111111"\n',
      line:
        'w.yaml: organizations[0].delegatedAdministrators[0]: must not be the management account, which ' +
        'administers the organization already (got "111111111111")',
    },
    {
      kind: 'more than two keys',
      yaml: `${ONE_ACCOUNT}      - name: a\n        accessKeys: [{}, {}, {}]\n`,
      line: 'w.yaml: accounts[0].users[0].accessKeys: must hold at most 2 access keys per user (the AWS limit) (got [{},{},{}])',
    },
    {
      kind: 'a key used before it was created',
      yaml: `${ONE_ACCOUNT}      - name: a\n        accessKeys: [{ createdDaysAgo: 120, lastUsedDaysAgo: 130 }]\n`,
      line:
        "w.yaml: accounts[0].users[0].accessKeys[0].lastUsedDaysAgo: must be ≤ the key's createdDaysAgo (120): " +
        'a key cannot be used before it was created (got 130)',
    },
    {
      kind: 'a key older than its user',
      yaml: `${ONE_ACCOUNT}      - name: a\n        createdDaysAgo: 10\n        accessKeys: [{ createdDaysAgo: 20 }]\n`,
      line:
        "w.yaml: accounts[0].users[0].accessKeys[0].createdDaysAgo: must be ≤ the user's createdDaysAgo (10): " +
        'a key cannot predate its user (got 20)',
    },
    {
      kind: 'a password changed before its login profile was created',
      yaml: `${ONE_ACCOUNT}      - name: a\n        loginProfile: { createdDaysAgo: 30, passwordLastChangedDaysAgo: 40 }\n`,
      line:
        "w.yaml: accounts[0].users[0].loginProfile.passwordLastChangedDaysAgo: must be ≤ the login profile's " +
        'createdDaysAgo (30): a password cannot change before it exists (got 40)',
    },
    {
      kind: 'a leftover password together with a login profile',
      yaml: `${ONE_ACCOUNT}      - name: a\n        loginProfile: { createdDaysAgo: 300 }\n        passwordLastUsedDaysAgo: 100\n`,
      line:
        'w.yaml: accounts[0].users[0].passwordLastUsedDaysAgo: not allowed together with loginProfile: use ' +
        'loginProfile.passwordLastUsedDaysAgo (this field is for a password last used before its login ' +
        'profile was deleted) (got 100)',
    },
  ])('reports $kind as one line naming the path and value', ({ yaml, line }) => {
    expect(errorsOf(yaml)).toEqual([line]);
  });

  it.each([
    [5, true],
    [6, false],
  ])('accepts OUs nested %i levels deep: %s', (depth, accepted) => {
    let tree = '{ name: L1 }';
    for (let level = 2; level <= depth; level++) tree = `{ name: L${level}, children: [${tree}] }`;
    const yaml =
      'organizations:\n  - id: o-abcdefghij\n    managementAccountId: "111111111111"\n' +
      `    organizationalUnits: [${tree}]\naccounts:\n  - id: "111111111111"\n`;
    const { errors } = parseWorld(yaml, 'w.yaml');
    if (accepted) expect(errors).toEqual([]);
    else expect(errors).toEqual([expect.stringMatching(/OUs nest at most 5 levels below the root/)]);
  });

  it('reports every problem, one line each', () => {
    const errors = errorsOf(
      `${ONE_ACCOUNT}      - name: a\n        createdDaysAgo: x\n        mfa: maybe\n      - name: "bad name!"\n`,
    );
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error).not.toContain('\n');
    expect(errors[1]).toBe('w.yaml: accounts[0].users[0].mfa: must be true or false (got "maybe")');
  });

  it('reports a YAML syntax error with line and column', () => {
    const errors = errorsOf('accounts:\n  - id: "111111111111"\n    name: a: b\n');
    expect(errors).toEqual([
      'w.yaml:3:11: YAML syntax error: Nested mappings are not allowed in compact mappings',
    ]);
  });

  it('names a value nested deeper than JSON.stringify can show (a JSON world)', () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    expect(errorsOf(`{"accounts": ${deep}}`)).toEqual([
      'w.yaml: accounts[0]: must be a mapping (key: value) (got [...])',
    ]);
  });

  it('reports a duplicate YAML key as a syntax error', () => {
    expect(errorsOf('accounts: []\naccounts: []\n')).toEqual([
      'w.yaml:2:1: YAML syntax error: Map keys must be unique',
    ]);
  });
});

describe('loadWorldFile', () => {
  it('throws a WorldError naming a missing file', async () => {
    const path = join(tmpdir(), 'keywarden-no-such-world.yaml');
    const error = await loadWorldFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorldError);
    expect((error as WorldError).name).toBe('WorldError');
    expect((error as WorldError).message).toMatch(new RegExp(`^cannot read world file ${path}: ENOENT`));
    expect((error as WorldError).cause).toBeDefined();
  });

  it('throws a WorldError whose message lists every invalid field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keywarden-world-'));
    const path = join(dir, 'bad.yaml');
    await writeFile(path, 'accounts:\n  - id: "1"\n    name: ""\n');
    const error = await loadWorldFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorldError);
    expect((error as WorldError).errors).toEqual([
      `${path}: accounts[0].id: must be a 12-digit account id in quotes, e.g. "111111111111" (got "1")`,
      `${path}: accounts[0].name: must be a string of 1 to 50 characters (got "")`,
    ]);
    expect((error as WorldError).message).toBe((error as WorldError).errors.join('\n'));
  });
});
