import { describe, expect, it } from 'vitest';
import {
  type AfterChange,
  afterChange,
  type ChangeAction,
  chainLayout,
  cleanupAfterChange,
  deferredReason,
  nextStep,
  type RunSoFar,
  type UnstoredKey,
  unstoredCleanup,
} from '../../src/core/plan/execution.js';
import type {
  Action,
  CreateKeyAction,
  DeactivateKeyAction,
  NotifyAction,
  Plan,
  Stage,
  StoreSecretAction,
} from '../../src/core/plan/types.js';

const ACCOUNT = '111122223333';

const base = (userName: string, subject: string, type: string, stage: Stage) => ({
  id: `${ACCOUNT}/${userName}/${subject}/${type}/${stage}`,
  chainId: `${ACCOUNT}/${userName}/${subject}/${stage}`,
  accountId: ACCOUNT,
  userName,
  stage,
  rule: 'KEY_ROTATION' as const,
  reason: 'Because.',
});

const create: CreateKeyAction = {
  ...base('alice', 'AKIAOLD', 'create-key', 'rotate'),
  type: 'create-key',
  replacesAccessKeyId: 'AKIAOLD',
  secretName: 'keywarden/alice',
  expect: { status: 'Active', lastUsedDate: null, accessKeyCount: 1 },
};
const store: StoreSecretAction = {
  ...base('alice', 'AKIAOLD', 'store-secret', 'rotate'),
  type: 'store-secret',
  replacesAccessKeyId: 'AKIAOLD',
  createKeyActionId: create.id,
  secretName: 'keywarden/alice',
};
const notice = (userName: string, subject: string, stage: Stage): NotifyAction => ({
  ...base(userName, subject, 'notify', stage),
  type: 'notify',
  accessKeyId: subject,
  recipient: null,
  happened: 'Something.',
  ownerAction: 'Nothing.',
  dueDate: null,
  secretName: null,
});
const rotated = notice('alice', 'AKIAOLD', 'rotate');
const deactivate: DeactivateKeyAction = {
  ...base('bob', 'AKIABOB', 'deactivate-key', 'deactivate'),
  type: 'deactivate-key',
  accessKeyId: 'AKIABOB',
  expect: { status: 'Active', lastUsedDate: null, replacementAccessKeyId: null },
};
const deactivated = notice('bob', 'AKIABOB', 'deactivate');
const warned = notice('carol', 'AKIACAROL', 'warn');

/** Three chains: a rotation, a deactivation, and a warning that is only a notice. */
const ACTIONS: readonly Action[] = [create, store, rotated, deactivate, deactivated, warned];
const plan = (overrides: Partial<Plan> = {}): Plan => ({
  schemaVersion: 1,
  generatedAt: '2026-12-01T10:00:00.000Z',
  mode: 'recommended',
  actions: ACTIONS,
  deferred: [],
  channels: [],
  blocked: [],
  skipped: [],
  maxActions: null,
  ...overrides,
});
const layout = chainLayout(ACTIONS);

const run = (
  o: Partial<{ broken: Record<string, string>; stop: boolean; unstored: string[] }> = {},
): RunSoFar => ({
  broken: new Map(Object.entries(o.broken ?? {})),
  stopRequested: o.stop ?? false,
  unstoredKeys: new Set(o.unstored ?? []),
});

describe('nextStep: what the executor does with the next action', () => {
  it.each([
    { name: 'a change runs, bound to the lease', r: run(), action: deactivate, step: 'run', keepLease: true },
    {
      name: "the store of this run's new key runs even if the lease was lost",
      r: run({ unstored: [create.id] }),
      action: store,
      step: 'run',
      keepLease: false,
    },
    {
      name: 'a stop request stops before a change',
      r: run({ stop: true }),
      action: deactivate,
      step: 'stop',
    },
    { name: 'a stop request stops before a notice', r: run({ stop: true }), action: warned, step: 'stop' },
    {
      name: "a stop request does not stop the store of this run's new key: its secret is only in memory",
      r: run({ stop: true, unstored: [create.id] }),
      action: store,
      step: 'run',
      keepLease: false,
    },
    {
      name: 'a stop request stops a store whose key this run did not make',
      r: run({ stop: true }),
      action: store,
      step: 'stop',
    },
    {
      name: 'a broken chain skips its later change',
      r: run({ broken: { [store.chainId]: 'why' }, unstored: [create.id] }),
      action: store,
      step: 'skip',
    },
    {
      name: 'a broken chain skips its notice',
      r: run({ broken: { [rotated.chainId]: 'why' } }),
      action: rotated,
      step: 'skip',
    },
    {
      name: "another chain's break does not matter",
      r: run({ broken: { [create.chainId]: 'why' } }),
      action: deactivate,
      step: 'run',
      keepLease: true,
    },
  ] as const)('$name', ({ r, action, step, ...rest }) => {
    // Act
    const got = nextStep(layout, r, action);

    // Assess
    expect(got.kind).toBe(step);
    if (got.kind === 'run') {
      expect(got.action).toBe(action);
      expect(got.keepLease).toBe('keepLease' in rest ? rest.keepLease : undefined);
    }
    if (got.kind === 'skip') expect(got.reason).toBe('why');
  });

  it("queues a notice with the rest of its chain's notices", () => {
    // Prepare
    const second = { ...notice('carol', 'AKIACAROL', 'warn'), id: `${warned.id}-2` };
    const twoNotices = chainLayout([warned, second]);

    // Act
    const got = nextStep(twoNotices, run(), warned);

    // Assess
    expect(got).toEqual({ kind: 'queue-notices', notices: [warned, second] });
  });
});

describe("afterChange: what a change's outcome means for its chain", () => {
  const index = (a: Action) => ACTIONS.indexOf(a);
  it.each([
    {
      name: 'a failed change breaks its chain, naming itself',
      action: create,
      status: 'failed',
      after: {
        kind: 'break-chain',
        reason: `not attempted: create-key ${create.id} of the same chain was failed`,
      },
    },
    {
      name: 'a skipped change breaks its chain, naming itself',
      action: store,
      status: 'skipped',
      after: {
        kind: 'break-chain',
        reason: `not attempted: store-secret ${store.id} of the same chain was skipped`,
      },
    },
    {
      name: 'even the last change breaks its chain: its notices are not sent',
      action: deactivate,
      status: 'failed',
      after: {
        kind: 'break-chain',
        reason: `not attempted: deactivate-key ${deactivate.id} of the same chain was failed`,
      },
    },
    {
      name: 'a done change that is not the last goes on',
      action: create,
      status: 'done',
      after: { kind: 'continue' },
    },
    {
      name: "the chain's last change done: its notices are queued",
      action: store,
      status: 'done',
      after: { kind: 'queue-notices', notices: [rotated] },
    },
    {
      name: 'a one-change chain queues its notice once the change is done',
      action: deactivate,
      status: 'done',
      after: { kind: 'queue-notices', notices: [deactivated] },
    },
  ] as const satisfies readonly {
    name: string;
    action: ChangeAction;
    status: 'done' | 'skipped' | 'failed';
    after: AfterChange;
  }[])('$name', ({ action, status, after }) => {
    // Act
    const got = afterChange(layout, action, index(action), status);

    // Assess
    expect(got).toEqual(after);
  });
});

/** Walks the plan as the executor does, with each change's outcome given: what ran, was skipped, queued. */
function walk(outcomes: Readonly<Record<string, 'done' | 'skipped' | 'failed'>>) {
  const broken = new Map<string, string>();
  const trace: string[] = [];
  const queued = new Set<string>();
  const queue = (notices: readonly NotifyAction[]) => {
    for (const n of notices) queued.add(n.id);
  };
  for (const [i, action] of ACTIONS.entries()) {
    const step = nextStep(layout, { broken, stopRequested: false, unstoredKeys: new Set() }, action);
    if (step.kind === 'skip') trace.push(`skip ${action.type} ${action.userName}`);
    if (step.kind === 'queue-notices') queue(step.notices);
    if (step.kind !== 'run') continue;
    trace.push(`run ${action.type} ${action.userName}`);
    const after = afterChange(layout, step.action, i, outcomes[action.id] ?? 'done');
    if (after.kind === 'break-chain') broken.set(action.chainId, after.reason);
    if (after.kind === 'queue-notices') queue(after.notices);
  }
  return { trace, queued: ACTIONS.filter((a) => queued.has(a.id)).map((a) => a.userName) };
}

describe('a plan walked through: a skip or failure stops its own chain, and only its notices', () => {
  it.each([
    {
      name: 'everything done: every chain notifies',
      outcomes: {},
      trace: ['run create-key alice', 'run store-secret alice', 'run deactivate-key bob'],
      queued: ['alice', 'bob', 'carol'],
    },
    {
      name: 'the create-key fails: its store and notice are skipped; the others go on',
      outcomes: { [create.id]: 'failed' },
      trace: [
        'run create-key alice',
        'skip store-secret alice',
        'skip notify alice',
        'run deactivate-key bob',
      ],
      queued: ['bob', 'carol'],
    },
    {
      name: "the store fails: the rotation's notice is skipped",
      outcomes: { [store.id]: 'failed' },
      trace: [
        'run create-key alice',
        'run store-secret alice',
        'skip notify alice',
        'run deactivate-key bob',
      ],
      queued: ['bob', 'carol'],
    },
    {
      name: "the deactivation is skipped (live state changed): its notice too, not the rotation's",
      outcomes: { [deactivate.id]: 'skipped' },
      trace: ['run create-key alice', 'run store-secret alice', 'run deactivate-key bob', 'skip notify bob'],
      queued: ['alice', 'carol'],
    },
  ] as const)('$name', ({ outcomes, trace, queued }) => {
    // Act
    const got = walk(outcomes);

    // Assess
    expect(got.trace).toEqual(trace);
    expect(got.queued).toEqual(queued);
  });
});

describe('clean-up of a key this run created and could not store', () => {
  const key = (secretInMemory: boolean): UnstoredKey => ({ create, accessKeyId: 'AKIANEW', secretInMemory });

  it.each([
    {
      name: 'after a store that took the secret and did not complete',
      action: store,
      k: key(false),
      cleans: true,
    },
    {
      name: 'not after a store that never took the secret (it may still)',
      action: store,
      k: key(true),
      cleans: false,
    },
    {
      name: 'not after a store that completed (no unstored key)',
      action: store,
      k: undefined,
      cleans: false,
    },
    { name: 'not after the create-key itself', action: create, k: key(true), cleans: false },
    { name: 'not after another change', action: deactivate, k: key(false), cleans: false },
  ] as const)('$name', ({ action, k, cleans }) => {
    // Act
    const got = cleanupAfterChange(action, (id) => (id === create.id ? k : undefined));

    // Assess
    expect(got !== null).toBe(cleans);
  });

  it('deletes it whether or not it was used (nobody holds it), under the create-key stage', () => {
    // Act
    const got = unstoredCleanup(key(true));

    // Assess
    expect(got).toMatchObject({
      id: `${ACCOUNT}/alice/AKIANEW/cleanup-key/rotate`,
      type: 'cleanup-key',
      accessKeyId: 'AKIANEW',
      createKeyActionId: create.id,
      requireNeverUsed: false,
    });
    expect(got.reason).toContain('its secret could not be stored');
  });

  it('is the same clean-up after a failed store and at the end of the run', () => {
    // Act
    const after = cleanupAfterChange(store, () => key(false));
    const atEnd = unstoredCleanup(key(true));

    // Assess
    expect(after).toEqual(atEnd);
  });
});

describe('deferredReason', () => {
  it.each([
    { name: "names the plan's cap", p: plan({ maxActions: 3 }), cap: 3 },
    { name: 'without a cap, the number of actions', p: plan(), cap: ACTIONS.length },
  ])('$name', ({ p, cap }) => {
    // Act
    const got = deferredReason(p);

    // Assess
    expect(got).toBe(
      `deferred: this run's cap of ${cap} changes (remediation.maxActions) was reached; a later run applies it`,
    );
  });
});
