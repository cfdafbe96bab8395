import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/plan/types.js';
import { type AccountOutcome, ActionBudget, forEachAccount } from '../../src/engine/accounts.js';

/** A promise each test resolves by hand, so order is decided by the test, never by timing. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('forEachAccount', () => {
  it('reports a failing account with its error and completes the others', async () => {
    const outcomes: AccountOutcome<string>[] = [];
    const summary = await forEachAccount(
      ['a', 'b', 'c'],
      { concurrency: 2 },
      async (id) => {
        if (id === 'b') throw new Error('sts:AssumeRole b failed: AccessDenied: no');
        return `report of ${id}`;
      },
      (o) => {
        outcomes.push(o);
      },
    );
    expect(summary).toMatchObject({ ok: 2, failed: 1, notStarted: [] });
    expect(outcomes.find((o) => o.accountId === 'b')).toEqual({
      accountId: 'b',
      status: 'error',
      error: 'sts:AssumeRole b failed: AccessDenied: no',
    });
    expect(outcomes.filter((o) => o.status === 'ok')).toHaveLength(2);
  });

  it('never has more than `concurrency` accounts in flight, and hands each outcome over as it is known', async () => {
    const gates = new Map(['a', 'b', 'c'].map((id) => [id, gate()]));
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const started: string[] = [];
    const run = forEachAccount(
      ['a', 'b', 'c'],
      { concurrency: 2 },
      async (id) => {
        started.push(id);
        inFlight++;
        most = Math.max(most, inFlight);
        await gates.get(id)?.opened;
        inFlight--;
        return id;
      },
      (o) => {
        order.push(o.accountId);
      },
    );
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    gates.get('b')?.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['b']);
    expect(started).toEqual(['a', 'b', 'c']);
    gates.get('c')?.open();
    gates.get('a')?.open();
    await run;
    expect(most).toBe(2);
    expect(order).toEqual(['b', 'c', 'a']);
  });

  it('starts no account once asked to stop, and names those not started', async () => {
    let stop = false;
    const summary = await forEachAccount(
      ['a', 'b', 'c'],
      { concurrency: 1, shouldStop: () => stop },
      async (id) => {
        if (id === 'a') stop = true;
        return id;
      },
      () => {},
    );
    expect(summary).toEqual({ ok: 1, failed: 0, notStarted: ['b', 'c'] });
  });
});

describe('ActionBudget', () => {
  const chain = (id: string, changes: number) =>
    Array.from({ length: changes }, (_, i) => ({
      id: `${id}/${i}`,
      chainId: id,
      type: 'deactivate-key',
    })) as unknown as Plan['actions'];
  const plan = (...chains: Plan['actions'][]): Plan => ({
    schemaVersion: 1,
    generatedAt: '2026-12-02T00:00:00.000Z',
    mode: 'remediate' as Plan['mode'],
    actions: chains.flat(),
    deferred: [],
    maxActions: null,
    channels: [],
    blocked: [],
    skipped: [],
  });

  it.each([
    { name: 'both accounts fit', max: 4, a: [2], b: [2], keptA: 2, keptB: 2, left: 0 },
    {
      name: 'the second account gets what is left, whole chains only',
      max: 3,
      a: [2],
      b: [2],
      keptA: 2,
      keptB: 0,
      left: 1,
    },
    { name: 'a cap of 0 keeps no change', max: 0, a: [1], b: [1], keptA: 0, keptB: 0, left: 0 },
    { name: 'one over the cap is deferred', max: 2, a: [1, 1], b: [1], keptA: 2, keptB: 0, left: 0 },
  ])('$name', ({ max, a, b, keptA, keptB, left }) => {
    const budget = new ActionBudget(max);
    const first = budget.take(plan(...a.map((n, i) => chain(`a${i}`, n))));
    const second = budget.take(plan(...b.map((n, i) => chain(`b${i}`, n))));
    expect(first.actions).toHaveLength(keptA);
    expect(second.actions).toHaveLength(keptB);
    expect(budget.remaining).toBe(left);
    expect(first.actions.length + second.actions.length).toBeLessThanOrEqual(max);
  });
});
