/**
 * The action registry: every action is defined once, and the journal's schema is built from the
 * same definitions as the core's types. Checked both ways: what the core plans is read back from
 * the journal unchanged, and what an earlier Keywarden wrote still reads the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ACTION_PERMISSIONS,
  ACTIONS,
  type ActionInput,
  type AnyAction,
  changesAws,
} from '../../src/core/actions/registry.js';
import { type IntentRecord, parseJournal, parseRecord } from '../../src/core/journal/records.js';
import { journalFactsFrom } from '../../src/core/plan/facts.js';
import { planAccount } from '../../src/core/plan/planner.js';
import { cleanupKeyAction, planUndo } from '../../src/core/plan/recovery.js';
import type { CreateKeyAction } from '../../src/core/plan/types.js';
import { ACCOUNT_ID, daysAgo, inventory, key, NOW, policy, user } from './builders.js';

const FIXTURE = readFileSync(new URL('../fixtures/journal-v1.jsonl', import.meta.url), 'utf8');

/** One action of each kind the planner makes, and the recovery actions apply and undo make. */
function plannedAndRecoveryActions(): AnyAction[] {
  const active = (id: string, ageDays: number, usedDaysAgo: number | null, slot: 1 | 2 = 1) =>
    key({
      accessKeyId: id,
      slot,
      createDate: daysAgo(ageDays),
      lastUsedDate: usedDaysAgo === null ? null : daysAgo(usedDaysAgo),
    });
  const inactive = (id: string, ageDays: number) => ({
    ...active(id, ageDays, null, 2),
    status: 'Inactive' as const,
  });
  const users = [
    // Rotated: create-key, store-secret, notify (with an owner).
    user({ userName: 'rotated', tags: { owner: 'dev@example.com' }, accessKeys: [active('AKIAROT', 95, 1)] }),
    // Its replacement exists and the old key is unused for long enough: deactivate-key.
    user({ userName: 'switched', accessKeys: [active('AKIAOLDSW', 110, 30), active('AKIANEWSW', 15, 1, 2)] }),
    // Inactive with no record: note-inactive; inactive long since the journal's record: delete-key.
    user({ userName: 'seen', accessKeys: [active('AKIASEENA', 10, 1), inactive('AKIASEENI', 130)] }),
    user({ userName: 'deleted', accessKeys: [active('AKIADELA', 10, 1), inactive('AKIADELI', 150)] }),
    // Active again after the journal recorded it inactive: note-active.
    user({ userName: 'again', accessKeys: [active('AKIAAGAIN', 20, 1)] }),
    // Unused password: delete-login-profile.
    user({ userName: 'unused', loginProfile: { createDate: daysAgo(300) }, passwordLastUsed: null }),
  ];
  const facts = journalFactsFrom({
    inactiveSince: {
      [`${ACCOUNT_ID}/AKIADELI`]: daysAgo(40),
      [`${ACCOUNT_ID}/AKIAAGAIN`]: daysAgo(3),
    },
  });
  const plan = planAccount(inventory({ users }), policy(), NOW, facts);
  const create = plan.actions.find((a): a is CreateKeyAction => a.type === 'create-key');
  if (create === undefined) throw new Error('the plan rotates no key');
  const deactivate = plan.actions.find((a) => a.type === 'deactivate-key');
  const undo = planUndo(
    'run-1',
    deactivate === undefined ? [] : [{ action: deactivate, newAccessKeyId: null }],
    {
      holdUntil: NOW,
    },
  );
  return [
    ...plan.actions,
    cleanupKeyAction(create, 'AKIASTRAY', 'rotate', 'its secret could not be stored', false),
    ...undo.actions,
  ];
}

function intentLine(action: AnyAction): string {
  return JSON.stringify({
    v: 1,
    runId: 'run-1',
    at: NOW.toISOString(),
    type: 'intent',
    actionId: action.id,
    action,
  });
}

describe('the action registry', () => {
  it('defines each action once, planned then recovery, with what the permissions table needs', () => {
    // Act
    const types = ACTIONS.map((d) => d.type);

    // Assess
    expect(new Set(types).size).toBe(types.length);
    // The recovery actions, which repair or reverse a run, come after every planned one.
    expect(types.slice(-2)).toEqual(['cleanup-key', 'reactivate-key']);
    expect(Object.keys(ACTION_PERMISSIONS)).toEqual(types);
    expect(ACTIONS.filter((d) => d.permissions.length === 0).map((d) => d.type)).toEqual(['notify']);
  });

  it('counts as changes exactly the actions that change AWS', () => {
    // Prepare
    const actions = plannedAndRecoveryActions();

    // Act
    const changing = new Set(actions.filter(changesAws).map((a) => a.type));

    // Assess
    expect([...changing].sort()).toEqual([
      'cleanup-key',
      'create-key',
      'deactivate-key',
      'delete-key',
      'delete-login-profile',
      'reactivate-key',
      'store-secret',
    ]);
  });
});

describe('the journal schema, built from the definitions', () => {
  it('reads back every action the core makes, unchanged (core → journal → core)', () => {
    // Prepare
    const actions = plannedAndRecoveryActions();

    // Act
    const read = actions.map((a) => parseRecord(intentLine(a), 1));

    // Assess: every action type is among them, and each reads back equal to what was written.
    expect(new Set(actions.map((a) => a.type))).toEqual(new Set(ACTIONS.map((d) => d.type)));
    read.forEach((r, i) => {
      expect(r).toEqual({ record: expect.objectContaining({ type: 'intent', action: actions[i] }) });
    });
  });

  it('reads a journal the previous version wrote, and writes it back the same (journal → core → journal)', () => {
    // Prepare: test/fixtures/journal-v1.jsonl, one intent of every action type, older shapes included.
    const lines = FIXTURE.trimEnd().split('\n');

    // Act
    const { records, warnings } = parseJournal(FIXTURE);

    // Assess: nothing refused or dropped; only the documented default is added (requireNeverUsed).
    expect(warnings).toEqual([]);
    expect(records).toHaveLength(lines.length);
    const intents = records.filter((r): r is IntentRecord => r.type === 'intent');
    expect(new Set(intents.map((r) => r.action.type))).toEqual(new Set(ACTIONS.map((d) => d.type)));
    records.forEach((record, i) => {
      const raw = JSON.parse(lines[i] ?? '') as Record<string, unknown> & {
        action?: Record<string, unknown>;
      };
      const expected =
        raw.action?.type === 'cleanup-key'
          ? { ...raw, action: { requireNeverUsed: false, ...raw.action } }
          : raw;
      expect(record).toEqual(expected);
      expect(parseRecord(JSON.stringify(record), i + 1)).toEqual({ record });
    });
  });

  it('refuses an action of a type no definition has, and a rule that does not remediate', () => {
    // Prepare
    const [action] = plannedAndRecoveryActions();

    // Act
    const unknownType = parseRecord(intentLine({ ...action, type: 'tag-user' } as unknown as AnyAction), 7);
    const reportingRule = parseRecord(
      intentLine({ ...action, rule: 'MULTIPLE_ACTIVE_KEYS' } as unknown as AnyAction),
      8,
    );

    // Assess
    expect(unknownType).toEqual({ error: expect.stringMatching(/^journal line 7: action\.type: /) });
    expect(reportingRule).toEqual({ error: expect.stringMatching(/^journal line 8: action\.rule: /) });
  });

  it('types what it reads exactly as the core types its actions', () => {
    expectTypeOf<IntentRecord['action']>().toEqualTypeOf<AnyAction>();
    expectTypeOf<AnyAction>().toExtend<ActionInput>();
  });
});
