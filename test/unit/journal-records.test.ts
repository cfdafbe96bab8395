import { describe, expect, it } from 'vitest';
import { JournalParseError, type JournalRecord, parseJournal } from '../../src/core/journal/records.js';
import { doneActions, factsFromJournal, historyRows, incompleteRuns } from '../../src/core/journal/views.js';
import { planUndo } from '../../src/core/plan/recovery.js';
import type {
  Action,
  CreateKeyAction,
  DeactivateKeyAction,
  DeleteKeyAction,
  DeleteLoginProfileAction,
  AnyAction as JournalAction,
  NotifyAction,
  StoreSecretAction,
} from '../../src/core/plan/types.js';
import { finished, JOURNAL_T0, sightingRun, started } from '../support/journal.js';

/** What undoing a run means, from the journal's records. */
function undoableActions(records: readonly JournalRecord[], runId: string) {
  const plan = planUndo(runId, doneActions(records, runId));
  return {
    reactivate: plan.actions.map((a) => ({
      accountId: a.accountId,
      userName: a.userName,
      accessKeyId: a.accessKeyId,
      actionId: a.undoes,
    })),
    cannotUndo: plan.cannotUndo,
  };
}

const ACCOUNT = '123456789012';
const T0 = JOURNAL_T0;
const T1 = '2026-11-23T12:00:00.000Z';
const T2 = '2026-11-24T12:00:00.000Z';

// ---- builders ----

const base = (userName: string, subject: string, type: string, stage: Action['stage']) => ({
  id: `${ACCOUNT}/${userName}/${subject}/${type}/${stage}`,
  chainId: `${ACCOUNT}/${userName}/${subject}/${stage}`,
  accountId: ACCOUNT,
  userName,
  stage,
  rule: 'KEY_ROTATION' as const,
  reason: 'Because.',
});

function createKey(userName = 'alice', key = 'AKIAOLD'): CreateKeyAction {
  return {
    ...base(userName, key, 'create-key', 'rotate'),
    type: 'create-key',
    replacesAccessKeyId: key,
    secretName: `keywarden/${ACCOUNT}/${userName}`,
    expect: { status: 'Active', lastUsedDate: null, accessKeyCount: 1 },
  };
}

function storeSecret(userName = 'alice', key = 'AKIAOLD'): StoreSecretAction {
  return {
    ...base(userName, key, 'store-secret', 'rotate'),
    type: 'store-secret',
    replacesAccessKeyId: key,
    createKeyActionId: createKey(userName, key).id,
    secretName: `keywarden/${ACCOUNT}/${userName}`,
  };
}

function deactivate(userName = 'bob', key = 'AKIABOB'): DeactivateKeyAction {
  return {
    ...base(userName, key, 'deactivate-key', 'deactivate'),
    type: 'deactivate-key',
    accessKeyId: key,
    expect: { status: 'Active', lastUsedDate: null, replacementAccessKeyId: 'AKIANEW' },
  };
}

function deleteKey(userName = 'carol', key = 'AKIACAROL'): DeleteKeyAction {
  return {
    ...base(userName, key, 'delete-key', 'delete'),
    type: 'delete-key',
    accessKeyId: key,
    expect: { status: 'Inactive', lastUsedDate: null },
  };
}

function deleteLoginProfile(userName = 'dina'): DeleteLoginProfileAction {
  return {
    ...base(userName, 'password', 'delete-login-profile', 'revoke-unused'),
    type: 'delete-login-profile',
    expect: { loginProfileCreateDate: T0, passwordLastUsed: null },
  };
}

function notify(userName = 'bob', key = 'AKIABOB'): NotifyAction {
  return {
    ...base(userName, key, 'notify', 'deactivate'),
    type: 'notify',
    accessKeyId: key,
    recipient: null,
    happened: 'Deactivated.',
    ownerAction: 'Nothing.',
    dueDate: null,
    secretName: null,
  };
}

function reactivate(key = 'AKIABOB'): JournalAction {
  return {
    id: `${ACCOUNT}/bob/${key}/reactivate-key/undo`,
    type: 'reactivate-key',
    accountId: ACCOUNT,
    userName: 'bob',
    accessKeyId: key,
    reason: 'Undo.',
    undoes: deactivate().id,
  };
}

function intent(runId: string, action: JournalAction, at = T0): JournalRecord {
  return { v: 1, type: 'intent', runId, at, actionId: action.id, action };
}
function outcome(
  runId: string,
  action: JournalAction,
  status: 'done' | 'skipped' | 'failed' = 'done',
  at = T0,
  extra: { newAccessKeyId?: string } = {},
): JournalRecord {
  return {
    v: 1,
    type: 'outcome',
    runId,
    at,
    actionId: action.id,
    status,
    reason: null,
    requestId: 'req-1',
    ...extra,
  };
}
/** intent + outcome */
function step(runId: string, action: JournalAction, status: 'done' | 'skipped' | 'failed' = 'done', at = T0) {
  return [intent(runId, action, at), outcome(runId, action, status, at)];
}
const lines = (records: readonly JournalRecord[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');

// ---- tests ----

describe('parseJournal', () => {
  it('reads every record of a well-formed journal', () => {
    // Prepare
    const records = [started('r1'), ...step('r1', deactivate()), finished('r1')];

    // Act
    const parsed = parseJournal(lines(records));

    // Assess
    expect(parsed).toEqual({ records, warnings: [] });
  });

  it('drops a torn last line (no newline) with a warning', () => {
    // Prepare
    const text = `${lines([started('r1'), intent('r1', deactivate())])}{"v":1,"type":"outc`;

    // Act
    const parsed = parseJournal(text);

    // Assess
    expect(parsed.records).toHaveLength(2);
    expect(parsed.warnings).toEqual([
      expect.stringMatching(/^journal line 3: incomplete last record ignored/),
    ]);
  });

  it.each([
    ['not JSON', '{"v":1,"type":"outc', /journal line 2: not JSON/],
    [
      'an unknown record type',
      '{"v":1,"type":"party","runId":"r1","at":"2026-11-22T12:00:00Z"}',
      /line 2: type: must be one of: run-started, intent, outcome, run-finished \(got "party"\)/,
    ],
    [
      'an outcome without status',
      '{"v":1,"type":"outcome","runId":"r1","at":"2026-11-22T12:00:00Z","actionId":"x"}',
      /line 2: status: is required/,
    ],
  ])('rejects a bad line in the middle (%s) with its line number', (_, bad, message) => {
    // Prepare
    const text = `${lines([started('r1')])}${bad}\n${lines([finished('r1')])}`;

    // Act
    const attempt = () => parseJournal(text);

    // Assess
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(JournalParseError);
  });

  it('rejects a bad last line that ends with a newline: it was written whole', () => {
    // Prepare
    const text = `${lines([started('r1')])}{"v":2}\n`;

    // Act
    const attempt = () => parseJournal(text);

    // Assess
    expect(attempt).toThrow(
      /journal line 2: v: unsupported record version; this Keywarden reads version 1 \(got 2\)/,
    );
  });
});

describe('factsFromJournal', () => {
  it('knows when a key was deactivated, and forgets it once an undo reactivated it', () => {
    // Prepare
    const applied = [started('r1', T0), ...step('r1', deactivate(), 'done', T0), finished('r1', T0)];
    const undone = [started('u1', T1), ...step('u1', reactivate(), 'done', T1), finished('u1', T1)];

    // Act
    const before = factsFromJournal(applied);
    const after = factsFromJournal([...applied, ...undone]);
    const again = factsFromJournal([...applied, ...undone, ...step('r2', deactivate(), 'done', T2)]);

    // Assess
    expect(before.inactiveSince(ACCOUNT, 'AKIABOB')).toEqual(new Date(T0));
    expect(after.inactiveSince(ACCOUNT, 'AKIABOB')).toBeNull();
    expect(again.inactiveSince(ACCOUNT, 'AKIABOB')).toEqual(new Date(T2));
  });

  it('ignores a deactivation that was skipped, and counts one interrupted before its outcome', () => {
    // Prepare
    const skipped = [started('r1'), ...step('r1', deactivate(), 'skipped'), finished('r1')];
    const interrupted = [started('r2', T1), intent('r2', deactivate(), T1)];

    // Act
    const facts = factsFromJournal([...skipped, ...interrupted]);
    const onlySkipped = factsFromJournal(skipped);

    // Assess
    expect(onlySkipped.inactiveSince(ACCOUNT, 'AKIABOB')).toBeNull();
    expect(facts.inactiveSince(ACCOUNT, 'AKIABOB')).toEqual(new Date(T1));
  });

  it('knows the notify actions that were delivered, not those that failed', () => {
    // Prepare
    const records = [
      started('r1'),
      ...step('r1', notify('bob', 'AKIABOB')),
      ...step('r1', notify('eve', 'AKIAEVE'), 'failed'),
      finished('r1'),
    ];

    // Act
    const facts = factsFromJournal(records);

    // Assess
    expect(facts.notified(notify('bob', 'AKIABOB').id)).toBe(true);
    expect(facts.notified(notify('eve', 'AKIAEVE').id)).toBe(false);
  });

  it('carries over an undelivered notice of a change that happened, not one of a change that did not', () => {
    // Prepare: bob's deactivation was done, eve's skipped (live state changed); neither notice was sent.
    const records = [
      started('r1'),
      ...step('r1', deactivate('bob', 'AKIABOB')),
      ...step('r1', notify('bob', 'AKIABOB'), 'skipped'),
      ...step('r1', deactivate('eve', 'AKIAEVE'), 'skipped'),
      ...step('r1', notify('eve', 'AKIAEVE'), 'skipped'),
      finished('r1'),
    ];

    // Act
    const facts = factsFromJournal(records);

    // Assess
    expect(facts.pendingNotices(ACCOUNT).map((n) => n.userName)).toEqual(['bob']);
  });
});

describe('factsFromJournal: when a key counts as inactive (what the journal recorded of it)', () => {
  const noteInactive = (at = T0) => sightingRun(ACCOUNT, 'bob', 'AKIABOB', new Date(at)).slice(1, 3);
  const noteActive: JournalAction = {
    ...base('bob', 'AKIABOB', 'note-active', 'active-seen'),
    type: 'note-active',
    accessKeyId: 'AKIABOB',
    closes: T0,
  };
  it.each([
    { name: 'a done deactivation', records: step('r1', deactivate()), events: ['deactivated'], since: T0 },
    { name: 'not a skipped one', records: step('r1', deactivate(), 'skipped'), events: [], since: null },
    { name: 'not a failed one', records: step('r1', deactivate(), 'failed'), events: [], since: null },
    {
      name: 'one whose run stopped before its outcome: IAM may have applied it',
      records: [intent('r1', deactivate())],
      events: ['deactivation-unconfirmed'],
      since: T0,
    },
    {
      name: "an intent the same run journaled again counts once, by the latest intent's outcome",
      records: [intent('r1', deactivate()), ...step('r1', deactivate(), 'done', T1)],
      events: ['deactivated'],
      since: T1,
    },
    { name: 'a first sighting as inactive', records: noteInactive(T1), events: ['seen-inactive'], since: T1 },
    {
      name: 'a sighting as Active closes the record',
      records: [...step('r1', deactivate()), ...step('r2', noteActive, 'done', T1)],
      events: ['deactivated', 'seen-active'],
      since: null,
    },
    {
      name: 'a reactivation (undo) closes the record',
      records: [...step('r1', deactivate()), ...step('u1', reactivate(), 'done', T1)],
      events: ['deactivated', 'reactivated'],
      since: null,
    },
    {
      name: 'not a reactivation that was skipped',
      records: [...step('r1', deactivate()), ...step('u1', reactivate(), 'skipped', T1)],
      events: ['deactivated'],
      since: T0,
    },
    {
      name: 'a later deactivation opens a new record',
      records: [
        ...step('r1', deactivate()),
        ...step('u1', reactivate(), 'done', T1),
        ...step('r2', deactivate(), 'done', T2),
      ],
      events: ['deactivated', 'reactivated', 'deactivated'],
      since: T2,
    },
  ])('$name', ({ records, events, since }) => {
    // Act
    const facts = factsFromJournal(records);

    // Assess
    expect(facts.keyHistory(ACCOUNT, 'AKIABOB').map((e) => e.kind)).toEqual(events);
    expect(facts.inactiveSince(ACCOUNT, 'AKIABOB')).toEqual(since === null ? null : new Date(since));
  });
});

describe('factsFromJournal: when a rotation is in progress', () => {
  const created = [
    intent('r1', createKey()),
    outcome('r1', createKey(), 'done', T0, { newAccessKeyId: 'AKIANEW' }),
  ];
  const cleanup = (accessKeyId: string): JournalAction => ({
    id: `${ACCOUNT}/alice/${accessKeyId}/cleanup-key/rotate`,
    type: 'cleanup-key',
    accountId: ACCOUNT,
    userName: 'alice',
    accessKeyId,
    reason: 'Nobody holds it.',
    createKeyActionId: createKey().id,
    requireNeverUsed: false,
  });
  const seenInactive = sightingRun(ACCOUNT, 'alice', 'AKIAOLD', new Date(T1)).slice(1, 3);
  it.each([
    { name: 'a done create-key starts one', records: created, inProgress: true },
    { name: 'not a failed create-key', records: step('r1', createKey(), 'failed'), inProgress: false },
    {
      name: 'not a done create-key whose outcome names no key (an older journal)',
      records: step('r1', createKey()),
      inProgress: false,
    },
    {
      name: "the old key's deactivation ends it",
      records: [...created, ...step('r2', deactivate('alice', 'AKIAOLD'), 'done', T1)],
      inProgress: false,
    },
    {
      name: 'not a deactivation that was skipped',
      records: [...created, ...step('r2', deactivate('alice', 'AKIAOLD'), 'skipped', T1)],
      inProgress: true,
    },
    { name: 'the old key seen inactive ends it', records: [...created, ...seenInactive], inProgress: false },
    {
      name: "the old key's deletion ends it",
      records: [...created, ...step('r2', deleteKey('alice', 'AKIAOLD'), 'done', T1)],
      inProgress: false,
    },
    {
      name: "the new key's clean-up ends it",
      records: [...created, ...step('r1', cleanup('AKIANEW'))],
      inProgress: false,
    },
    {
      name: "another key's clean-up does not",
      records: [...created, ...step('r1', cleanup('AKIAOTHER'))],
      inProgress: true,
    },
    {
      name: "another key's deactivation does not",
      records: [...created, ...step('r2', deactivate(), 'done', T1)],
      inProgress: true,
    },
  ])('$name', ({ records, inProgress }) => {
    // Act
    const rotations = factsFromJournal(records).rotationsInProgress(ACCOUNT);

    // Assess
    expect(rotations.map((r) => [r.oldAccessKeyId, r.newAccessKeyId, r.runId])).toEqual(
      inProgress ? [['AKIAOLD', 'AKIANEW', 'r1']] : [],
    );
  });
});

describe('factsFromJournal: which notices stay pending, and which a key seen Active again cancels', () => {
  const noticeOf = (stage: Action['stage'], key = 'AKIABOB'): NotifyAction => ({
    ...notify('bob', key),
    ...base('bob', key, 'notify', stage),
  });
  const deactivated = [...step('r1', deactivate()), intent('r1', notify())];
  const noteActive = (key = 'AKIABOB'): JournalAction => ({
    ...base('bob', key, 'note-active', 'active-seen'),
    type: 'note-active',
    accessKeyId: key,
    closes: T0,
  });
  it.each([
    { name: 'journaled, never delivered: pending', records: deactivated, pending: [notify().id] },
    {
      name: 'delivered: not pending',
      records: [...deactivated, outcome('r1', notify())],
      pending: [],
    },
    {
      name: 'its chain broken in its run: not pending',
      records: [...step('r1', deactivate(), 'failed'), intent('r1', notify())],
      pending: [],
    },
    {
      name: 'a failure of the same chain in another run does not cancel it',
      records: [...deactivated, ...step('r2', deactivate(), 'failed', T1)],
      pending: [notify().id],
    },
    {
      name: 'a reactivation (undo) cancels the notice that the key was deactivated',
      records: [...deactivated, ...step('u1', reactivate(), 'done', T1)],
      pending: [],
    },
    {
      name: 'so does a sighting as Active',
      records: [...deactivated, ...step('r2', noteActive(), 'done', T1)],
      pending: [],
    },
    {
      name: 'not a skipped reactivation',
      records: [...deactivated, ...step('u1', reactivate(), 'skipped', T1)],
      pending: [notify().id],
    },
    {
      name: "not another key's notice",
      records: [...deactivated, ...step('u1', reactivate('AKIAOTHER'), 'done', T1)],
      pending: [notify().id],
    },
    ...(['force-deactivate', 'revoke-unused'] as const).map((stage) => ({
      name: `a ${stage} notice is cancelled too`,
      records: [intent('r1', noticeOf(stage)), ...step('u1', reactivate(), 'done', T1)],
      pending: [],
    })),
    ...(['warn', 'rotate', 'still-in-use', 'delete'] as const).map((stage) => ({
      name: `a ${stage} notice is not: it does not say the key was deactivated`,
      records: [intent('r1', noticeOf(stage)), ...step('u1', reactivate(), 'done', T1)],
      pending: [noticeOf(stage).id],
    })),
  ])('$name', ({ records, pending }) => {
    // Act
    const facts = factsFromJournal(records);

    // Assess
    expect(facts.pendingNotices(ACCOUNT).map((n) => n.id)).toEqual(pending);
  });
});

describe('incompleteRuns', () => {
  it('reports an intent without an outcome', () => {
    // Prepare
    const records = [started('r1'), intent('r1', deactivate())];

    // Act
    const runs = incompleteRuns(records);

    // Assess
    expect(runs).toEqual([
      { runId: 'r1', startedAt: T0, command: 'apply', pendingIntents: [deactivate()], orphanedKeys: [] },
    ]);
  });

  it('finds a key created but never stored, with or without the create outcome', () => {
    // Prepare
    const withOutcome = [
      started('r1'),
      intent('r1', createKey('alice')),
      outcome('r1', createKey('alice'), 'done', T0, { newAccessKeyId: 'AKIANEWALICE' }),
      intent('r1', storeSecret('alice')),
    ];
    const withoutOutcome = [started('r2', T1), intent('r2', createKey('eve', 'AKIAEVE'), T1)];

    // Act
    const runs = incompleteRuns([...withOutcome, ...withoutOutcome]);

    // Assess
    expect(runs.map((r) => r.orphanedKeys)).toEqual([
      [
        {
          accountId: ACCOUNT,
          userName: 'alice',
          accessKeyId: 'AKIANEWALICE',
          replacesAccessKeyId: 'AKIAOLD',
          createIntentAt: T0,
          answerBy: null,
          createActionId: createKey('alice').id,
          recipient: null,
          rule: 'KEY_ROTATION',
          store: storeSecret('alice'),
        },
      ],
      [
        {
          accountId: ACCOUNT,
          userName: 'eve',
          accessKeyId: null,
          replacesAccessKeyId: 'AKIAEVE',
          createIntentAt: T1,
          answerBy: null,
          createActionId: createKey('eve', 'AKIAEVE').id,
          recipient: null,
          rule: 'KEY_ROTATION',
          store: null,
        },
      ],
    ]);
    expect(runs[0]?.pendingIntents).toEqual([storeSecret('alice')]);
  });

  it('does not report a stored key, a failed create, or a run that finished', () => {
    // Prepare
    const stored = [started('r1'), ...step('r1', createKey('alice')), ...step('r1', storeSecret('alice'))];
    const failedCreate = [started('r2'), ...step('r2', createKey('eve', 'AKIAEVE'), 'failed')];
    const complete = [started('r3'), ...step('r3', deactivate()), finished('r3')];

    // Act
    const runs = incompleteRuns([...stored, ...failedCreate, ...complete]);

    // Assess
    expect(runs.map((r) => [r.runId, r.orphanedKeys.length, r.pendingIntents.length])).toEqual([
      ['r1', 0, 0],
      ['r2', 0, 0],
    ]);
  });

  it('excludes a run a later resume run finished, but not one whose resume also stopped', () => {
    // Prepare
    const crashed = [started('r1', T0), intent('r1', createKey())];
    const resumed = [started('r2', T1, 'r1'), finished('r2', T1)];
    const crashedResume = [started('r3', T1, 'r1')];

    // Act
    const recovered = incompleteRuns([...crashed, ...resumed]);
    const stillOpen = incompleteRuns([...crashed, ...crashedResume]);

    // Assess
    expect(recovered).toEqual([]);
    expect(stillOpen.map((r) => r.runId)).toEqual(['r1', 'r3']);
  });
});

describe('historyRows', () => {
  const records = [
    started('r1', T0),
    ...step('r1', deactivate('bob'), 'done', T0),
    ...step('r1', deleteKey('carol'), 'skipped', T0),
    finished('r1', T0),
    started('r2', T1),
    intent('r2', deactivate('bob', 'AKIABOB2'), T1),
  ];

  it('gives one row per action with its outcome, or intent when it has none', () => {
    // Act
    const rows = historyRows(records);

    // Assess
    expect(
      rows.map((r) => `${r.runId}:${r.command}:${r.userName}:${r.type}:${r.accessKeyId}:${r.status}`),
    ).toEqual([
      'r1:apply:bob:deactivate-key:AKIABOB:done',
      'r1:apply:carol:delete-key:AKIACAROL:skipped',
      'r2:apply:bob:deactivate-key:AKIABOB2:intent',
    ]);
  });

  it('filters by user and by run', () => {
    // Act
    const bob = historyRows(records, { userName: 'bob' });
    const r1 = historyRows(records, { runId: 'r1' });
    const both = historyRows(records, { userName: 'bob', runId: 'r2' });

    // Assess
    expect(bob.map((r) => r.runId)).toEqual(['r1', 'r2']);
    expect(r1.map((r) => r.userName)).toEqual(['bob', 'carol']);
    expect(both.map((r) => r.accessKeyId)).toEqual(['AKIABOB2']);
  });

  it('is in time order; rows of the same time keep journal order', () => {
    // Prepare: r1's deactivation finished (T2) after r2's (T1) although r1 was journaled first.
    const interleaved = [
      started('r1', T0),
      intent('r1', deactivate('bob'), T0),
      started('r2', T1),
      ...step('r2', deactivate('carol', 'AKIACAROL'), 'done', T1),
      ...step('r2', deleteKey('carol'), 'done', T1),
      outcome('r1', deactivate('bob'), 'done', T2),
    ];

    // Act
    const rows = historyRows(interleaved);

    // Assess
    expect(rows.map((r) => `${r.at}:${r.runId}:${r.type}`)).toEqual([
      `${T1}:r2:deactivate-key`,
      `${T1}:r2:delete-key`,
      `${T2}:r1:deactivate-key`,
    ]);
  });

  it("names a rotation's new key on its create-key and store-secret rows", () => {
    // Prepare
    const rotation = [
      started('r1', T0),
      intent('r1', createKey()),
      outcome('r1', createKey(), 'done', T0, { newAccessKeyId: 'AKIANEWALICE' }),
      intent('r1', storeSecret()),
      outcome('r1', storeSecret(), 'done', T0, { newAccessKeyId: 'AKIANEWALICE' }),
      ...step('r1', deactivate()),
    ];

    // Act
    const rows = historyRows(rotation);

    // Assess
    expect(rows.map((r) => `${r.type}:${r.accessKeyId}:${r.newAccessKeyId}`)).toEqual([
      'create-key:AKIAOLD:AKIANEWALICE',
      'store-secret:AKIAOLD:AKIANEWALICE',
      'deactivate-key:AKIABOB:null',
    ]);
  });
});

describe('undoableActions', () => {
  it('reactivates deactivated keys and lists deletions and created keys as cannot-undo', () => {
    // Prepare
    const records = [
      started('r1'),
      ...step('r1', deactivate('bob')),
      ...step('r1', deactivate('eve', 'AKIAEVE'), 'skipped'),
      ...step('r1', deleteKey('carol')),
      ...step('r1', deleteLoginProfile('dina')),
      intent('r1', createKey('alice')),
      outcome('r1', createKey('alice'), 'done', T0, { newAccessKeyId: 'AKIANEWALICE' }),
      ...step('r1', notify()),
      finished('r1'),
      started('r2'),
      ...step('r2', deactivate('frank', 'AKIAFRANK')),
    ];

    // Act
    const { reactivate: targets, cannotUndo } = undoableActions(records, 'r1');

    // Assess
    expect(targets).toEqual([
      { accountId: ACCOUNT, userName: 'bob', accessKeyId: 'AKIABOB', actionId: deactivate('bob').id },
    ]);
    expect(cannotUndo.map((c) => [c.type, c.userName, c.accessKeyId])).toEqual([
      ['delete-key', 'carol', 'AKIACAROL'],
      ['delete-login-profile', 'dina', null],
      ['create-key', 'alice', 'AKIAOLD'],
    ]);
    expect(cannotUndo[2]?.reason).toContain('AKIANEWALICE');
  });

  it('has nothing for a run the journal does not know', () => {
    // Act
    const result = undoableActions([started('r1')], 'nope');

    // Assess
    expect(result).toEqual({ reactivate: [], cannotUndo: [] });
  });
});
