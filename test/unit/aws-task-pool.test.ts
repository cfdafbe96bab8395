import { describe, expect, it } from 'vitest';
import { TaskPool } from '../../src/aws/task-pool.js';

/** A task that finishes when the test says so, recording when it started. */
function gate() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { done, open, fail };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TaskPool', () => {
  it('runs at most `limit` tasks at once, in the order they were added', async () => {
    // Prepare
    const pool = new TaskPool(2);
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    // Act
    for (const [i, g] of gates.entries()) {
      pool.add(async () => {
        started.push(i);
        await g.done;
      });
    }
    await settle();
    const before = [...started];
    gates[1]?.open();
    await settle();
    // Assess
    expect(before).toEqual([0, 1]);
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.open();
    gates[2]?.open();
    await pool.drain();
    expect(pool.pending).toBe(0);
  });

  it('accepts tasks added while others run, and drain waits for them too', async () => {
    // Prepare
    const pool = new TaskPool(1);
    const order: string[] = [];
    // Act
    pool.add(async () => {
      order.push('first');
      pool.add(async () => {
        order.push('added by first');
      });
    });
    await pool.drain();
    // Assess
    expect(order).toEqual(['first', 'added by first']);
  });

  it('stops starting queued tasks after a failure, and drain rejects with it once the others settle', async () => {
    // Prepare
    const pool = new TaskPool(2);
    const slow = gate();
    const ran: string[] = [];
    pool.add(async () => {
      await slow.done;
      ran.push('slow');
    });
    pool.add(async () => {
      throw new Error('AccessDenied');
    });
    pool.add(async () => {
      ran.push('queued');
    });
    // Act
    const drained = pool.drain().then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await settle();
    slow.open();
    // Assess
    expect(await drained).toBe('AccessDenied');
    expect(ran).toEqual(['slow']);
  });

  it('refuses a limit below 1', () => {
    expect(() => new TaskPool(0)).toThrow('limit must be an integer ≥ 1 (got 0)');
  });
});
