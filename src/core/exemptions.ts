import picomatch from 'picomatch';
import { endOfDayExclusiveMs } from './days.js';
import type { AccountInventory, UserRecord } from './model.js';
import type { Policy } from './policy/types.js';
import type { RuleId } from './rules/registry.js';
import type { Rule } from './rules/types.js';

/**
 * Why a (user, rule) pair is or is not exempt. `expired` is reported so an exemption that quietly
 * ran out shows up in the finding's message instead of silently turning into a violation.
 */
export type ExemptionMatch =
  | {
      readonly kind: 'exempt';
      readonly reason: string;
      readonly until: string | null;
      readonly source: string;
    }
  | { readonly kind: 'expired'; readonly reason: string; readonly until: string; readonly source: string }
  | { readonly kind: 'none' };

const NONE: ExemptionMatch = { kind: 'none' };
const NO_END = Number.POSITIVE_INFINITY;
const TAG_TRUE = 'true';

interface CompiledEntry {
  readonly until: string | null;
  /** Epoch ms at which the exemption stops applying (start of the day after `until`). */
  readonly endMs: number;
  readonly covers: ReadonlySet<RuleId> | null;
  /** Results built once per policy, so matching allocates nothing. */
  readonly exempt: ExemptionMatch;
  readonly expired: ExemptionMatch;
}

interface CompiledExemptions {
  readonly users: readonly (CompiledEntry & { readonly matches: (userName: string) => boolean })[];
  readonly paths: readonly (CompiledEntry & { readonly prefix: string })[];
  readonly groups: readonly (CompiledEntry & { readonly groupLower: string })[];
  readonly ssm: CompiledEntry;
}

const compiledByPolicy = new WeakMap<Policy, CompiledExemptions>();
const ssmSetByList = new WeakMap<readonly string[], ReadonlySet<string>>();

function entry(
  source: string,
  e: { readonly reason: string; readonly until: string | null; readonly rules: readonly RuleId[] | null },
): CompiledEntry {
  const endMs = e.until === null ? NO_END : (endOfDayExclusiveMs(e.until) ?? NO_END);
  return {
    until: e.until,
    endMs,
    covers: e.rules === null ? null : new Set(e.rules),
    exempt: { kind: 'exempt', reason: e.reason, until: e.until, source },
    expired: e.until === null ? NONE : { kind: 'expired', reason: e.reason, until: e.until, source },
  };
}

/**
 * Exact names compare case-insensitively (IAM user names are case-insensitive); globs via picomatch.
 * Exemptions and `--user` match user names the same way.
 */
export function nameMatcher(pattern: string): (userName: string) => boolean {
  if (picomatch.scan(pattern).isGlob) {
    return picomatch(pattern, { nocase: true, dot: true, windows: false });
  }
  const lower = pattern.toLowerCase();
  return (userName) => userName === pattern || userName.toLowerCase() === lower;
}

/** Globs, sets and results are built once per policy object, never per user or key. */
function compile(policy: Policy): CompiledExemptions {
  const cached = compiledByPolicy.get(policy);
  if (cached !== undefined) return cached;
  const ex = policy.exemptions;
  const ssm = ex.ssmParameter;
  const compiled: CompiledExemptions = {
    users: ex.users.map((e, i) => ({ ...entry(`exemptions.users[${i}]`, e), matches: nameMatcher(e.name) })),
    paths: ex.paths.map((e, i) => ({ ...entry(`exemptions.paths[${i}]`, e), prefix: e.path })),
    groups: ex.groups.map((e, i) => ({
      ...entry(`exemptions.groups[${i}]`, e),
      groupLower: e.group.toLowerCase(),
    })),
    ssm: entry(ssm === null ? 'SSM parameter' : `SSM parameter ${ssm.name}`, {
      reason: ssm?.reason ?? 'listed in SSM parameter',
      until: null,
      rules: ssm?.rules ?? null,
    }),
  };
  compiledByPolicy.set(policy, compiled);
  return compiled;
}

function ssmSet(list: readonly string[]): ReadonlySet<string> {
  let set = ssmSetByList.get(list);
  if (set === undefined) {
    set = new Set(list.map((n) => n.trim().toLowerCase()).filter((n) => n !== ''));
    ssmSetByList.set(list, set);
  }
  return set;
}

function hasGroup(user: UserRecord, groupLower: string): boolean {
  for (const g of user.groups) if (g === groupLower || g.toLowerCase() === groupLower) return true;
  return false;
}

type TagValue =
  | { readonly kind: 'forever' }
  | { readonly kind: 'until'; readonly until: string; readonly endMs: number };

function parseTagValue(value: string): TagValue | null {
  const v = value.trim();
  if (v.toLowerCase() === TAG_TRUE) return { kind: 'forever' };
  const endMs = endOfDayExclusiveMs(v);
  return endMs === null ? null : { kind: 'until', until: v, endMs };
}

/** True when the entry covers `rule` and has not run out at `nowMs`. */
function applies(e: CompiledEntry, rule: RuleId, nowMs: number): boolean {
  return (e.covers === null || e.covers.has(rule)) && nowMs < e.endMs;
}

function expiredFor(e: CompiledEntry, rule: RuleId): ExemptionMatch {
  return e.covers === null || e.covers.has(rule) ? e.expired : NONE;
}

/**
 * Decides whether `user`'s findings for `rule` are exempt. Sources are checked in a fixed order
 * (users, paths, groups, tag, SSM list); the first active one wins, and only when every match has
 * expired is the first expired one reported. A rule marked `neverExempt` (root keys) never is.
 */
export function findExemption(
  user: UserRecord,
  judged: Pick<Rule<RuleId>, 'id' | 'neverExempt'>,
  policy: Policy,
  inventory: AccountInventory,
  now: Date,
): ExemptionMatch {
  if (judged.neverExempt) return NONE;
  const rule = judged.id;
  const c = compile(policy);
  const nowMs = now.getTime();
  let expired: ExemptionMatch = NONE;

  for (const e of c.users) {
    if (!e.matches(user.userName)) continue;
    if (applies(e, rule, nowMs)) return e.exempt;
    if (expired.kind === 'none') expired = expiredFor(e, rule);
  }
  for (const e of c.paths) {
    if (!user.path.startsWith(e.prefix)) continue;
    if (applies(e, rule, nowMs)) return e.exempt;
    if (expired.kind === 'none') expired = expiredFor(e, rule);
  }
  for (const e of c.groups) {
    if (!hasGroup(user, e.groupLower)) continue;
    if (applies(e, rule, nowMs)) return e.exempt;
    if (expired.kind === 'none') expired = expiredFor(e, rule);
  }

  const tag = policy.exemptions.tag;
  const tagValue = tag.enabled ? user.tags[tag.key] : undefined;
  const parsed = tagValue === undefined ? null : parseTagValue(tagValue);
  if (parsed !== null) {
    const reason = user.tags[tag.reasonKey]?.trim() || `tagged ${tag.key}`;
    const source = `tag ${tag.key}`;
    switch (parsed.kind) {
      case 'forever':
        return { kind: 'exempt', reason, until: null, source };
      case 'until':
        if (nowMs < parsed.endMs) return { kind: 'exempt', reason, until: parsed.until, source };
        if (expired.kind === 'none') expired = { kind: 'expired', reason, until: parsed.until, source };
        break;
      default:
        return parsed satisfies never;
    }
  }

  const ssmList = inventory.ssmExcludedUsers;
  if (ssmList !== null && applies(c.ssm, rule, nowMs) && ssmSet(ssmList).has(user.userName.toLowerCase())) {
    return c.ssm.exempt;
  }
  return expired;
}

/**
 * A warning for an exemption tag whose value is neither `true` nor a date: the user is then not
 * exempt, and the owner should hear why rather than wonder.
 */
export function tagExemptionWarning(user: UserRecord, policy: Policy): string | null {
  const tag = policy.exemptions.tag;
  if (!tag.enabled) return null;
  const value = user.tags[tag.key];
  if (value === undefined || parseTagValue(value) !== null) return null;
  return (
    `user ${user.userName} (account ${user.accountId}): tag ${tag.key} has value ${JSON.stringify(value)}; ` +
    'expected "true" or an end date YYYY-MM-DD, so the user is not exempt'
  );
}
