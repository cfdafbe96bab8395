/**
 * A bounded pool for per-user AWS calls that are discovered while others are still arriving (a
 * user's look-ups start as soon as its details page is in): at most `limit` tasks run at once, the
 * rest wait in order. The first failure stops the pool from starting queued tasks; `drain` waits for
 * the tasks in flight and then rejects with that failure, so no rejection goes unobserved.
 */
export class TaskPool {
  private running = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  private failure: { readonly error: unknown } | null = null;
  private waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`TaskPool: limit must be an integer ≥ 1 (got ${limit})`);
    }
  }

  /** Tasks running or waiting to run. */
  get pending(): number {
    return this.running + this.queue.length;
  }

  /** Queues a task; it starts at once when fewer than `limit` are running. */
  add(task: () => Promise<void>): void {
    if (this.failure !== null) return;
    this.queue.push(task);
    this.next();
  }

  /** Resolves when every task added so far has finished; rejects with the first failure. */
  async drain(): Promise<void> {
    while (this.running > 0 || (this.queue.length > 0 && this.failure === null)) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
      });
    }
    if (this.failure !== null) throw this.failure.error;
  }

  private next(): void {
    while (this.running < this.limit && this.queue.length > 0 && this.failure === null) {
      const task = this.queue.shift() as () => Promise<void>;
      this.running++;
      Promise.resolve()
        .then(task)
        .catch((error: unknown) => {
          this.failure ??= { error };
          this.queue.length = 0;
        })
        .finally(() => {
          this.running--;
          this.next();
          if (this.running === 0) {
            const waiters = this.waiters;
            this.waiters = [];
            for (const wake of waiters) wake();
          }
        });
    }
  }
}
