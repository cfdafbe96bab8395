import { type KeyEvent, type KeyEventKind, openInactiveRecord } from './key-history.js';
import type { JournalFacts, KeyHold, NotifyAction, RotationInProgress } from './types.js';

/** No journal yet: nothing was deactivated by Keywarden and nothing was sent. */
export const NO_JOURNAL_FACTS: JournalFacts = {
  keyHistory: () => [],
  inactiveSince: () => null,
  notified: () => false,
  pendingNotices: () => [],
  holdOf: () => null,
  rotationsInProgress: () => [],
};

export interface JournalFactsData {
  /** What the journal recorded about each key, in journal order; keyed by `<accountId>/<accessKeyId>`. */
  readonly keyEvents?: Readonly<
    Record<string, readonly { readonly kind: KeyEventKind; readonly at: string | Date }[]>
  >;
  /**
   * Shorthand for fixtures: a key Keywarden deactivated at this time (one `deactivated` event after
   * any in `keyEvents`). Keyed by `<accountId>/<accessKeyId>`; ISO timestamps or dates.
   */
  readonly inactiveSince?: Readonly<Record<string, string | Date>>;
  /** Ids of notify actions already sent. */
  readonly notified?: Iterable<string>;
  /** Notices journaled and never delivered, in journal order. */
  readonly pendingNotices?: readonly NotifyAction[];
  /** Keyed by `<accountId>/<accessKeyId>`. */
  readonly holds?: Readonly<Record<string, { readonly until: string | Date; readonly runId: string }>>;
  readonly rotations?: readonly (Omit<RotationInProgress, 'deactivateFrom'> & {
    readonly deactivateFrom: string | Date | null;
  })[];
}

/**
 * Builds {@link JournalFacts} from plain data, e.g. what the journal adapter read or a test
 * fixture. An unparseable timestamp throws: guessing a deactivation date could delete a key early.
 */
export function journalFactsFrom(data: JournalFactsData): JournalFacts {
  const date = (field: string, key: string, v: string | Date): Date => {
    const d = v instanceof Date ? v : new Date(v);
    if (Number.isNaN(d.getTime())) {
      throw new Error(
        `journal facts: ${field}[${JSON.stringify(key)}] is not a timestamp (got ${JSON.stringify(v)}); ` +
          'fix or remove that journal record',
      );
    }
    return d;
  };
  const history = new Map<string, KeyEvent[]>();
  for (const [k, events] of Object.entries(data.keyEvents ?? {})) {
    history.set(
      k,
      events.map((e) => ({ kind: e.kind, at: date('keyEvents', k, e.at) })),
    );
  }
  for (const [k, v] of Object.entries(data.inactiveSince ?? {})) {
    history.set(k, [...(history.get(k) ?? []), { kind: 'deactivated', at: date('inactiveSince', k, v) }]);
  }
  const holds = new Map<string, KeyHold>();
  for (const [k, v] of Object.entries(data.holds ?? {})) {
    holds.set(k, { until: date('holds', k, v.until), runId: v.runId });
  }
  const notified = new Set(data.notified ?? []);
  const pending = new Map<string, NotifyAction[]>();
  for (const n of data.pendingNotices ?? [])
    pending.set(n.accountId, [...(pending.get(n.accountId) ?? []), n]);
  const rotations = new Map<string, RotationInProgress[]>();
  for (const r of data.rotations ?? []) {
    const rotation: RotationInProgress = {
      ...r,
      deactivateFrom:
        r.deactivateFrom === null ? null : date('rotations', r.oldAccessKeyId, r.deactivateFrom),
    };
    rotations.set(r.accountId, [...(rotations.get(r.accountId) ?? []), rotation]);
  }
  return {
    keyHistory: (accountId, accessKeyId) => history.get(`${accountId}/${accessKeyId}`) ?? [],
    inactiveSince: (accountId, accessKeyId) =>
      openInactiveRecord(history.get(`${accountId}/${accessKeyId}`) ?? []),
    notified: (id) => notified.has(id),
    pendingNotices: (accountId) => pending.get(accountId) ?? [],
    holdOf: (accountId, accessKeyId) => holds.get(`${accountId}/${accessKeyId}`) ?? null,
    rotationsInProgress: (accountId) => rotations.get(accountId) ?? [],
  };
}
