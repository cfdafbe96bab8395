/**
 * Builds a validated world into emulator state, with every relative time measured back from the
 * emulator clock, so a world never goes stale.
 */

import { derivedOuId, derivedRootId } from './organization-ids.js';
import {
  type AccountState,
  addAccessKey,
  addAccount,
  addGroup,
  addRole,
  addUser,
  type EmulatorState,
  type KeyLastUsed,
  type Organization,
  type OrganizationalUnit,
  type Tag,
} from './state.js';
import { WorldError } from './world.js';
import type {
  LastUsedDaysAgo,
  World,
  WorldOrganization,
  WorldOrganizationalUnit,
  WorldUser,
} from './world-types.js';
import { accountAgeDays, userAgeDays, validateWorld } from './world-validate.js';

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

  for (const org of value.organizations ?? []) state.organizations.push(buildOrganization(org, value));
  if (value.sts?.sessionsExpire !== undefined) state.sts.sessionsExpire = value.sts.sessionsExpire;
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
    user.passwordLastChanged =
      profile.passwordLastChangedDaysAgo === undefined
        ? createDate
        : daysAgo(profile.passwordLastChangedDaysAgo);
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
  for (const arn of new Set(spec.attachedPolicies ?? [])) user.attachedPolicyArns.push(arn);
  for (const key of spec.accessKeys ?? []) {
    addAccessKey(state, account, user, {
      accessKeyId: key.id,
      status: key.status ?? 'Active',
      createDate: daysAgo(key.createdDaysAgo ?? userAge),
      lastUsed: lastUse(key.lastUsedDaysAgo, key.service, key.region),
    });
  }
}

/** The organization with its root, OU tree (ids derived when not given) and account placement. */
function buildOrganization(spec: WorldOrganization, world: World): Organization {
  const prefix = `arn:aws:organizations::${spec.managementAccountId}`;
  const rootId = spec.rootId ?? derivedRootId(spec.id);
  const organizationalUnits: OrganizationalUnit[] = [];
  const accountParents = new Map<string, string>();
  const add = (units: readonly WorldOrganizationalUnit[], parentId: string, path: readonly string[]) => {
    for (const unit of units) {
      const here = [...path, unit.name];
      const id = unit.id ?? derivedOuId(spec.id, rootId, here);
      organizationalUnits.push({ id, arn: `${prefix}:ou/${spec.id}/${id}`, name: unit.name, parentId });
      for (const accountId of unit.accounts ?? []) accountParents.set(accountId, id);
      add(unit.children ?? [], id, here);
    }
  };
  add(spec.organizationalUnits ?? [], rootId, []);
  return {
    id: spec.id,
    arn: `${prefix}:organization/${spec.id}`,
    managementAccountId: spec.managementAccountId,
    memberAccountIds: [...(spec.memberAccountIds ?? world.accounts.map((a) => a.id))],
    root: { id: rootId, arn: `${prefix}:root/${spec.id}/${rootId}`, name: 'Root' },
    organizationalUnits,
    accountParents,
    delegatedAdministratorIds: [...(spec.delegatedAdministrators ?? [])],
  };
}
