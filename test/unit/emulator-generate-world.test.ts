import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createClock } from '../../src/emulator/clock.js';
import { generateWorld } from '../../src/emulator/generate-world.js';
import { createState } from '../../src/emulator/state.js';
import { parseWorld } from '../../src/emulator/world.js';
import { applyWorld } from '../../src/emulator/world-apply.js';
import type { World } from '../../src/emulator/world-types.js';

const allUsers = (world: World) => world.accounts.flatMap((a) => a.users ?? []);
const allKeys = (world: World) => allUsers(world).flatMap((u) => u.accessKeys ?? []);

describe('generateWorld', () => {
  it('gives the same world for the same seed', () => {
    const a = generateWorld({ accounts: 3, usersPerAccount: 50, seed: 42 });
    const b = generateWorld({ accounts: 3, usersPerAccount: 50, seed: 42 });
    expect(b).toEqual(a);
  });

  it('gives a different world for a different seed', () => {
    const a = generateWorld({ accounts: 3, usersPerAccount: 50, seed: 42 });
    const b = generateWorld({ accounts: 3, usersPerAccount: 50, seed: 43 });
    expect(b).not.toEqual(a);
  });

  // Its speed is measured by `npm run bench`, not asserted here.
  it('generates 5,000 users with about 8,000 keys', () => {
    // Act
    const world = generateWorld({ accounts: 10, usersPerAccount: 500, seed: 7 });
    // Assess
    expect(world.accounts).toHaveLength(10);
    expect(allUsers(world)).toHaveLength(5_000);
    const keys = allKeys(world);
    expect(keys.length).toBeGreaterThanOrEqual(7_000);
    expect(keys.length).toBeLessThanOrEqual(9_000);
  });

  it('has a realistic mix of ages and use', () => {
    const keys = allKeys(generateWorld({ accounts: 2, usersPerAccount: 1_000, seed: 3 }));
    const ages = keys.map((k) => k.createdDaysAgo ?? 0);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ages)).toBeLessThanOrEqual(600);
    const neverOrStale = keys.filter(
      (k) =>
        k.lastUsedDaysAgo === 'never' || (typeof k.lastUsedDaysAgo === 'number' && k.lastUsedDaysAgo >= 90),
    );
    expect(neverOrStale.length / keys.length).toBeGreaterThan(0.2);
    expect(neverOrStale.length / keys.length).toBeLessThan(0.4);
    const users = allUsers(generateWorld({ accounts: 1, usersPerAccount: 1_000, seed: 3 }));
    expect(users.some((u) => u.loginProfile)).toBe(true);
    expect(users.some((u) => u.tags?.['keywarden:owner'])).toBe(true);
  });

  it("changes about a third of the console passwords after their login profile's creation", () => {
    // Act
    const profiles = allUsers(generateWorld({ accounts: 1, usersPerAccount: 2_000, seed: 3 })).flatMap((u) =>
      u.loginProfile ? [u.loginProfile] : [],
    );
    const changed = profiles.filter((p) => p.passwordLastChangedDaysAgo !== undefined);
    // Assess
    expect(changed.length / profiles.length).toBeGreaterThan(0.2);
    expect(changed.length / profiles.length).toBeLessThan(0.4);
    for (const p of changed) {
      expect(p.passwordLastChangedDaysAgo).toBeLessThanOrEqual(p.createdDaysAgo ?? 0);
      expect(p.passwordLastChangedDaysAgo).toBeLessThanOrEqual(180);
    }
  });

  it('derives 12-digit account ids from the index and puts every account in one organization', () => {
    const world = generateWorld({ accounts: 3, usersPerAccount: 1 });
    expect(world.accounts.map((a) => a.id)).toEqual(['100000000000', '100000000001', '100000000002']);
    expect(world.organizations).toHaveLength(1);
    expect(world.organizations?.[0]?.managementAccountId).toBe('100000000000');
  });

  it.each([1, 2, 99])('makes a world that survives YAML and re-parses (seed %i)', (seed) => {
    const world = generateWorld({ accounts: 2, usersPerAccount: 40, seed });
    const { value, errors } = parseWorld(stringify(world), 'generated.yaml');
    expect(errors).toEqual([]);
    expect(value).toEqual(world);
  });

  it('makes a 5,000-user world that re-parses from JSON and applies', () => {
    const world = generateWorld({ accounts: 10, usersPerAccount: 500, seed: 11 });
    const { value, errors } = parseWorld(JSON.stringify(world), 'generated.json');
    expect(errors).toEqual([]);
    const state = createState({ clock: createClock({ start: new Date('2026-11-22T12:00:00Z') }) });
    applyWorld(state, value ?? world);
    expect(state.keyIndex.size).toBe(allKeys(world).length);
  });

  it('bounds key ages with keyMaxAgeDays (a well-kept estate) and leaves the default unbounded', () => {
    const kept = allKeys(generateWorld({ accounts: 1, usersPerAccount: 500, seed: 3, keyMaxAgeDays: 100 }));
    const wild = allKeys(generateWorld({ accounts: 1, usersPerAccount: 500, seed: 3 }));
    expect(Math.max(...kept.map((k) => k.createdDaysAgo ?? 0))).toBeLessThanOrEqual(100);
    expect(Math.max(...wild.map((k) => k.createdDaysAgo ?? 0))).toBeGreaterThan(100);
  });

  it('gives every account the role to assume and puts no OUs unless asked', () => {
    const world = generateWorld({ accounts: 4, usersPerAccount: 1 });
    expect(world.accounts.map((a) => a.roles)).toEqual(Array(4).fill([{ name: 'KeywardenAuditRole' }]));
    expect(world.organizations?.[0]?.organizationalUnits).toBeUndefined();
  });

  it('places member accounts in an OU tree by their names, the management account under the root', () => {
    // Act
    const world = generateWorld({ accounts: 12, usersPerAccount: 0, organizationalUnits: true });
    const state = createState({ clock: createClock({ start: new Date('2026-11-22T12:00:00Z') }) });
    applyWorld(state, world);
    // Assess
    const org = state.organizations[0]!;
    const pathOf = (ouId: string): string => {
      const ou = org.organizationalUnits.find((o) => o.id === ouId);
      return ou ? `${pathOf(ou.parentId)}/${ou.name}` : '';
    };
    const placement = Object.fromEntries(
      world.accounts.map((a) => [a.name, pathOf(org.accountParents.get(a.id) ?? org.root.id) || '/']),
    );
    expect(placement).toEqual({
      management: '/',
      prod: '/Workloads/Prod',
      staging: '/Workloads/Staging',
      dev: '/Workloads/Dev',
      sandbox: '/Sandbox',
      'shared-services': '/Infrastructure',
      security: '/Security',
      logging: '/Security',
      data: '/Workloads/Prod',
      analytics: '/Workloads/Prod',
      'management-2': '/Infrastructure',
      'prod-2': '/Workloads/Prod',
    });
  });

  it('leaves the role out of accountsWithoutRole member accounts, chosen from the seed, users unchanged', () => {
    const roleless = (world: World) =>
      world.accounts.filter((a) => (a.roles ?? []).length === 0).map((a) => a.id);
    const plain = generateWorld({ accounts: 20, usersPerAccount: 3, seed: 5 });
    const one = generateWorld({ accounts: 20, usersPerAccount: 3, seed: 5, accountsWithoutRole: 1 });
    const again = generateWorld({ accounts: 20, usersPerAccount: 3, seed: 5, accountsWithoutRole: 1 });
    const picks = new Set(
      [1, 2, 3, 4, 5, 6].map(
        (seed) =>
          roleless(generateWorld({ accounts: 20, usersPerAccount: 0, seed, accountsWithoutRole: 1 }))[0],
      ),
    );

    expect(roleless(plain)).toEqual([]);
    expect(roleless(one)).toHaveLength(1);
    expect(roleless(one)).not.toContain(one.organizations?.[0]?.managementAccountId);
    expect(roleless(again)).toEqual(roleless(one));
    expect(one.accounts.map((a) => a.users)).toEqual(plain.accounts.map((a) => a.users));
    expect(picks.size).toBeGreaterThan(1);
  });

  it('names the role as asked', () => {
    const world = generateWorld({
      accounts: 2,
      usersPerAccount: 0,
      roleName: 'OrganizationAccountAccessRole',
    });
    expect(world.accounts[1]?.roles).toEqual([{ name: 'OrganizationAccountAccessRole' }]);
  });

  it.each([
    { options: { accounts: 3, usersPerAccount: 0, accountsWithoutRole: 2 }, ok: true },
    { options: { accounts: 3, usersPerAccount: 0, accountsWithoutRole: 3 }, ok: false },
  ])(
    'accepts accountsWithoutRole up to the member count: $options.accountsWithoutRole of 2',
    ({ options, ok }) => {
      if (ok) expect(generateWorld(options).accounts.filter((a) => a.roles?.length === 0)).toHaveLength(2);
      else
        expect(() => generateWorld(options)).toThrow(
          'accountsWithoutRole must be at most the number of member accounts, 2 (got 3)',
        );
    },
  );

  it.each([
    { options: { accounts: 0, usersPerAccount: 1 }, message: 'accounts must be an integer ≥ 1 (got 0)' },
    {
      options: { accounts: 1, usersPerAccount: 1.5 },
      message: 'usersPerAccount must be an integer ≥ 0 (got 1.5)',
    },
  ])('rejects $options', ({ options, message }) => {
    expect(() => generateWorld(options)).toThrow(message);
  });
});
