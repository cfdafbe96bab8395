import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../../src/core/audit-account.js';
import { buildAuditReport, hasFailure } from '../../src/core/audit-summary.js';
import {
  describeFilter,
  type FindingFilter,
  filterForecast,
  filterMatcher,
  filterPlan,
} from '../../src/core/finding-filter.js';
import { forecastAccount } from '../../src/core/forecast.js';
import type { AccountInventory } from '../../src/core/model.js';
import { NO_JOURNAL_FACTS } from '../../src/core/plan/facts.js';
import { planAccount } from '../../src/core/plan/planner.js';
import { daysAgo, inventory, key, NOW, policy, root, user } from './builders.js';

const TOOL = { name: 'keywarden', version: '0.1.0' };
const NONE: FindingFilter = { rules: [], severity: null, users: [] };

/**
 * ci-build: a 120-day key (KEY_ROTATION, medium); ci-deploy: a key unused for 200 days
 * (UNUSED_CREDENTIALS, KEY_ROTATION, medium); Alice: two active keys (MULTIPLE_ACTIVE_KEYS, low);
 * root: an active key (ROOT_ACCESS_KEY, critical).
 */
function world(): AccountInventory {
  return inventory({
    users: [
      user({
        userName: 'ci-build',
        accessKeys: [key({ accessKeyId: 'AKIABUILD', createDate: daysAgo(120) })],
      }),
      user({
        userName: 'ci-deploy',
        accessKeys: [key({ accessKeyId: 'AKIADEPLOY', createDate: daysAgo(200), lastUsedDate: null })],
      }),
      user({
        userName: 'Alice',
        accessKeys: [
          key({ accessKeyId: 'AKIAALICE1', createDate: daysAgo(10) }),
          key({ accessKeyId: 'AKIAALICE2', slot: 2, createDate: daysAgo(5) }),
        ],
      }),
    ],
    root: root({ accessKeys: [{ slot: 1, active: true, lastRotated: daysAgo(700), lastUsedDate: null }] }),
  });
}

function audit(filter: FindingFilter | null) {
  const p = policy();
  return buildAuditReport([evaluateAccount(world(), p, NOW)], p, NOW, TOOL, filter);
}

describe('filterMatcher', () => {
  it.each([
    ['no filter keeps everything', NONE, 'KEY_ROTATION', 'x', true],
    ['--rule keeps its rule', { ...NONE, rules: ['KEY_ROTATION'] }, 'KEY_ROTATION', 'x', true],
    ['--rule leaves other rules out', { ...NONE, rules: ['KEY_ROTATION'] }, 'UNUSED_CREDENTIALS', 'x', false],
    ['--severity medium keeps medium', { ...NONE, severity: 'medium' }, 'KEY_ROTATION', 'x', true],
    [
      '--severity medium keeps critical (worse)',
      { ...NONE, severity: 'medium' },
      'ROOT_ACCESS_KEY',
      'x',
      true,
    ],
    ['--severity medium leaves low out', { ...NONE, severity: 'medium' }, 'MULTIPLE_ACTIVE_KEYS', 'x', false],
    ['--severity high leaves medium out', { ...NONE, severity: 'high' }, 'KEY_ROTATION', 'x', false],
    ['--severity high keeps high', { ...NONE, severity: 'high' }, 'CONSOLE_WITHOUT_MFA', 'x', true],
    ['--user glob matches', { ...NONE, users: ['ci-*'] }, 'KEY_ROTATION', 'ci-build', true],
    ['--user glob does not match', { ...NONE, users: ['ci-*'] }, 'KEY_ROTATION', 'alice', false],
    [
      '--user exact name ignores case, as IAM does',
      { ...NONE, users: ['alice'] },
      'KEY_ROTATION',
      'Alice',
      true,
    ],
    ['--user glob ignores case', { ...NONE, users: ['CI-*'] }, 'KEY_ROTATION', 'ci-build', true],
    ['--user any of several', { ...NONE, users: ['bob', 'ci-*'] }, 'KEY_ROTATION', 'ci-deploy', true],
  ] as const)('%s', (_label, filter, rule, userName, kept) => {
    expect(filterMatcher(filter as FindingFilter)({ rule, userName })).toBe(kept);
  });

  it('all three at once keep only what matches each', () => {
    const matches = filterMatcher({
      rules: ['KEY_ROTATION', 'UNUSED_CREDENTIALS'],
      severity: 'medium',
      users: ['ci-*'],
    });
    expect(matches({ rule: 'KEY_ROTATION', userName: 'ci-build' })).toBe(true);
    expect(matches({ rule: 'KEY_ROTATION', userName: 'alice' })).toBe(false);
    expect(matches({ rule: 'ROOT_ACCESS_KEY', userName: 'ci-build' })).toBe(false);
  });
});

describe('describeFilter', () => {
  it('names the flags as a shell would take them back', () => {
    expect(describeFilter({ rules: ['KEY_ROTATION'], severity: 'high', users: ['ci-*', 'bob'] })).toBe(
      "--rule KEY_ROTATION --severity high --user 'ci-*' --user bob",
    );
  });
});

describe('buildAuditReport with a filter', () => {
  it('without one: filter is null and nothing is left out', () => {
    const r = audit(null);
    expect(r.filter).toBeNull();
    expect(r.findings.map((f) => f.rule)).toContain('MULTIPLE_ACTIVE_KEYS');
  });

  it('--severity medium: low findings are left out and counted, the summary counts what stays', () => {
    const all = audit(null);
    const r = audit({ ...NONE, severity: 'medium' });
    const low = all.findings.filter((f) => f.severity === 'low').length;
    expect(low).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.severity !== 'low')).toBe(true);
    expect(r.findings).toHaveLength(all.findings.length - low);
    expect(r.summary.findings).toBe(r.findings.length);
    expect(r.summary.open).toBe(all.summary.open - low);
    expect(r.filter).toEqual({
      rules: [],
      severity: 'medium',
      users: [],
      filteredOut: { findings: low, open: low },
    });
    expect(r.accounts[0]?.summary?.findings).toBe(r.findings.length);
  });

  it('--user keeps those users findings and evaluations; the inventory counts stay the whole account', () => {
    const all = audit(null);
    const r = audit({ ...NONE, users: ['ci-*'] });
    expect(new Set(r.findings.map((f) => f.userName))).toEqual(new Set(['ci-build', 'ci-deploy']));
    expect(new Set(r.evaluations.map((e) => e.userName))).toEqual(new Set(['ci-build', 'ci-deploy']));
    expect(r.summary.users).toBe(all.summary.users);
    expect(r.summary.activeAccessKeys).toBe(all.summary.activeAccessKeys);
    expect(r.filter?.filteredOut.findings).toBe(all.findings.length - r.findings.length);
  });

  it('--fail-on judges the findings the filter kept', () => {
    // The root key is the only critical finding; --rule KEY_ROTATION leaves it out.
    expect(hasFailure(audit(null), 'critical')).toBe(true);
    expect(hasFailure(audit({ ...NONE, rules: ['KEY_ROTATION'] }), 'critical')).toBe(false);
    expect(hasFailure(audit({ ...NONE, rules: ['KEY_ROTATION'] }), 'medium')).toBe(true);
  });
});

describe('filterPlan', () => {
  const plan = () => planAccount(world(), policy(), NOW, NO_JOURNAL_FACTS);

  it('keeps whole chains of the users the filter matches, and counts the rest', () => {
    const full = plan();
    const { plan: filtered, filteredOut } = filterPlan(full, { ...NONE, users: ['ci-build'] });
    expect(filtered.actions.length).toBeGreaterThan(0);
    expect(filtered.actions.every((a) => a.userName === 'ci-build')).toBe(true);
    // Every chain that has one action kept has all of them.
    const kept = new Set(filtered.actions.map((a) => a.chainId));
    expect(filtered.actions).toEqual(full.actions.filter((a) => kept.has(a.chainId)));
    expect(filteredOut.actions).toBe(full.actions.length - filtered.actions.length);
    expect(filtered.skipped.every((s) => s.userName === 'ci-build')).toBe(true);
  });

  it('a rule filter leaves the other rules actions out; the plan keeps its cap and mode', () => {
    const full = plan();
    const { plan: filtered } = filterPlan(full, { ...NONE, rules: ['UNUSED_CREDENTIALS'] });
    expect(filtered.actions.every((a) => a.rule === 'UNUSED_CREDENTIALS')).toBe(true);
    expect(filtered.actions.map((a) => a.userName)).not.toContain('ci-build');
    expect(filtered.maxActions).toBe(full.maxActions);
    expect(filtered.mode).toBe(full.mode);
  });
});

describe('filterForecast', () => {
  const forecast = forecastAccount(world(), policy(), NOW, NO_JOURNAL_FACTS, { days: 30, view: 'simulated' });

  it('keeps the entries of the users it matches and counts the rest', () => {
    const users = new Set(forecast.entries.map((e) => e.userName));
    expect(users.has('ci-build')).toBe(true);
    expect(users.size).toBeGreaterThan(1);
    const { forecast: kept, applied } = filterForecast(forecast, { ...NONE, users: ['ci-b*'] });
    expect(kept.entries.length).toBeGreaterThan(0);
    expect(kept.entries.every((e) => e.userName === 'ci-build')).toBe(true);
    expect(applied?.filteredOut.entries).toBe(forecast.entries.length - kept.entries.length);
  });

  it('is the forecast unchanged, with nothing applied, without a filter', () => {
    expect(filterForecast(forecast, null)).toEqual({ forecast, applied: null });
  });
});
