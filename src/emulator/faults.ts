/**
 * Deterministic fault injection and call counting. A fault rule matches a service and/or operation
 * (absent = all) and may add latency, throttle (at a seeded rate, above a requests-per-second budget,
 * or for the first N matching calls), or fail with a 5xx.
 */
import { createRng, type Rng } from './random.js';

export interface FaultRule {
  /** Signing name, e.g. `iam`. Absent: every service. */
  readonly service?: string;
  /** Operation, e.g. `ListAccessKeys`. Absent: every operation. */
  readonly operation?: string;
  /** Added latency for every matching call, in milliseconds. */
  readonly latencyMs?: number;
  /** Fraction (0..1) of matching calls answered with a throttling error. */
  readonly throttleRate?: number;
  /** Matching calls beyond this many per wall-clock second are throttled. */
  readonly throttleAboveRps?: number;
  /** Fraction (0..1) of matching calls answered with a 5xx `ServiceFailure`. */
  readonly errorRate?: number;
  /** Only the first N matching calls are affected by throttle/error (deterministic "fail twice, then succeed"). */
  readonly times?: number;
  /**
   * With `times`: what happens to those calls regardless of the rates (default `error`):
   * - `throttle`, `error`: refused (throttling, a 5xx); nothing is applied;
   * - `hang`: never answered and not applied (a service that accepts connections and stalls);
   * - `lose-answer`: applied, then the connection is reset before any answer (a lost answer);
   * - `apply-then-hang`: applied, then never answered (the client's request timeout ends it).
   */
  readonly kind?: FaultKind;
}

type FaultKind = 'throttle' | 'error' | 'hang' | 'lose-answer' | 'apply-then-hang';

export interface FaultConfig {
  readonly seed?: number;
  readonly rules?: readonly FaultRule[];
}

export type FaultDecision = { latencyMs: number; fail: FaultKind | null };

export interface CallCount {
  readonly service: string;
  readonly operation: string;
  readonly count: number;
}

/**
 * Operations that only read. Everything else counts as a write, so an operation added to the
 * emulator later (SetTopicAttributes, RotateSecret, UploadSSHPublicKey, ...) can never slip past a
 * "dry run makes no writes" assertion. AssumeRole issues temporary credentials but changes nothing
 * in the account, so it is a read here.
 */
const READ_PREFIXES = [
  'Get',
  'List',
  'Describe',
  'Search',
  'Simulate',
  'Check',
  'Lookup',
  'Assume',
  'Decode',
  'BatchGet',
];

/** True for operations that change state (GenerateCredentialReport counts: it starts a job). */
function isWriteOperation(operation: string): boolean {
  return !READ_PREFIXES.some((p) => operation.startsWith(p));
}

/** A gate on one operation: matching requests wait until it is released (see {@link FaultInjector.hold}). */
export interface Hold {
  /** Resolves when the first held request has arrived (it is then waiting). */
  readonly arrived: Promise<void>;
  /** Lets every held request, and every later one, through. */
  release(): void;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private readonly holds: {
    readonly service: string;
    readonly operation: string;
    readonly arrived: () => void;
    readonly released: Promise<void>;
  }[] = [];
  private rng: Rng = createRng(1);
  private readonly matched = new Map<number, number>();
  private readonly windows = new Map<number, { second: number; count: number }>();
  private readonly counts = new Map<string, number>();
  /** Calls answered with an injected throttle or error, by `service:operation`. */
  private readonly refusedCounts = { throttle: new Map<string, number>(), error: new Map<string, number>() };

  constructor(
    config: FaultConfig = {},
    private readonly wallNow: () => number = Date.now,
  ) {
    this.configure(config);
  }

  configure(config: FaultConfig): void {
    this.rules = [...(config.rules ?? [])];
    this.rng = createRng(config.seed ?? 1);
    this.matched.clear();
    this.windows.clear();
  }

  /** Counts the call and decides its fate. Called once per request, in arrival order. */
  decide(service: string, operation: string): FaultDecision {
    const key = `${service}:${operation}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let latencyMs = 0;
    let fail: FaultDecision['fail'] = null;
    this.rules.forEach((rule, index) => {
      if (rule.service !== undefined && rule.service !== service) return;
      if (rule.operation !== undefined && rule.operation !== operation) return;
      latencyMs += rule.latencyMs ?? 0;
      const seen = (this.matched.get(index) ?? 0) + 1;
      this.matched.set(index, seen);
      if (fail) return;
      if (rule.times !== undefined) {
        if (seen > rule.times) return;
        if (
          rule.throttleRate === undefined &&
          rule.errorRate === undefined &&
          rule.throttleAboveRps === undefined
        ) {
          fail = rule.kind ?? 'error';
          return;
        }
      }
      if (rule.throttleAboveRps !== undefined) {
        const second = Math.floor(this.wallNow() / 1000);
        const w = this.windows.get(index);
        const window = w && w.second === second ? w : { second, count: 0 };
        window.count += 1;
        this.windows.set(index, window);
        if (window.count > rule.throttleAboveRps) fail = 'throttle';
      }
      if (!fail && rule.throttleRate !== undefined && this.rng.next() < rule.throttleRate) fail = 'throttle';
      if (!fail && rule.errorRate !== undefined && this.rng.next() < rule.errorRate) fail = 'error';
    });
    // `fail` is assigned inside the callback above, which TypeScript's narrowing does not see.
    const refusal = fail as FaultDecision['fail'];
    if (refusal === 'throttle' || refusal === 'error') {
      const refused = this.refusedCounts[refusal];
      refused.set(key, (refused.get(key) ?? 0) + 1);
    }
    return { latencyMs, fail };
  }

  /**
   * Holds requests to `service:operation` at the door (counted, not yet answered) until `release()`:
   * a test can act while a call is certainly in flight, with no timing involved.
   */
  hold(service: string, operation: string): Hold {
    let arrived!: () => void;
    let release!: () => void;
    const arrivedPromise = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.holds.push({ service, operation, arrived, released });
    return { arrived: arrivedPromise, release };
  }

  /** Waits while a hold matches this call; the server calls it after {@link decide}. */
  async gate(service: string, operation: string): Promise<void> {
    for (const h of this.holds) {
      if (h.service !== service || h.operation !== operation) continue;
      h.arrived();
      await h.released;
    }
  }

  calls(): CallCount[] {
    return toCallCounts(this.counts);
  }

  /**
   * Calls answered with an injected throttle (`throttle`) or 5xx (`error`), per service and
   * operation: a client that retries sends each of them again, so for throttling these are the
   * retries it had to make (benchmarks report them).
   */
  faulted(kind: 'throttle' | 'error'): CallCount[] {
    return toCallCounts(this.refusedCounts[kind]);
  }

  count(service?: string, operation?: string): number {
    let total = 0;
    for (const c of this.calls()) {
      if (
        (service === undefined || c.service === service) &&
        (operation === undefined || c.operation === operation)
      ) {
        total += c.count;
      }
    }
    return total;
  }

  writeCalls(): CallCount[] {
    return this.calls().filter((c) => isWriteOperation(c.operation));
  }

  resetCounts(): void {
    this.counts.clear();
    this.refusedCounts.throttle.clear();
    this.refusedCounts.error.clear();
  }
}

function toCallCounts(counts: ReadonlyMap<string, number>): CallCount[] {
  return [...counts.entries()]
    .map(([key, count]) => {
      const [service = '', operation = ''] = key.split(':');
      return { service, operation, count };
    })
    .sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation));
}
