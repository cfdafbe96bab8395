/**
 * Runs one use case in many accounts: at most `concurrency` accounts at a time, each account's
 * outcome handed to `onOutcome` as soon as it is known and then dropped, so memory holds only the
 * accounts in flight, never every account's report. An account that fails (its role cannot be
 * assumed, a call fails after the SDK's retries) is an outcome with its error; the others go on.
 */
import { errorLine } from '../sdk/errors.js';

export type AccountOutcome<T> =
  | { readonly accountId: string; readonly status: 'ok'; readonly value: T }
  | { readonly accountId: string; readonly status: 'error'; readonly error: string };

export interface FanOutOptions {
  readonly concurrency: number;
  /** Asked before each account starts: true starts no more (Ctrl-C, SIGTERM, the action cap spent). */
  readonly shouldStop?: () => boolean;
}

export interface FanOutSummary {
  readonly ok: number;
  readonly failed: number;
  /** Accounts not started because `shouldStop` said so. */
  readonly notStarted: readonly string[];
}

export async function forEachAccount<T>(
  accountIds: readonly string[],
  options: FanOutOptions,
  run: (accountId: string) => Promise<T>,
  onOutcome: (outcome: AccountOutcome<T>) => void | Promise<void>,
): Promise<FanOutSummary> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const notStarted: string[] = [];
  const worker = async () => {
    while (next < accountIds.length) {
      const accountId = accountIds[next++] as string;
      if (options.shouldStop?.()) {
        notStarted.push(accountId);
        continue;
      }
      let outcome: AccountOutcome<T>;
      try {
        outcome = { accountId, status: 'ok', value: await run(accountId) };
        ok++;
      } catch (error) {
        outcome = { accountId, status: 'error', error: errorLine(error) };
        failed++;
      }
      await onOutcome(outcome);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, accountIds.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return { ok, failed, notStarted };
}
