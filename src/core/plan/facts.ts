import type { JournalFacts } from './types.js';

/** No journal yet: nothing was deactivated by Keywarden and nothing was sent. */
export const NO_JOURNAL_FACTS: JournalFacts = {
  deactivatedAt: () => null,
  notified: () => false,
};

export interface JournalFactsData {
  /** Keyed by `<accountId>/<accessKeyId>`; ISO timestamps or dates. */
  readonly deactivatedAt?: Readonly<Record<string, string | Date>>;
  /** Ids of notify actions already sent. */
  readonly notified?: Iterable<string>;
}

/**
 * Builds {@link JournalFacts} from plain data, e.g. what the journal adapter read or a test
 * fixture. An unparseable timestamp throws: guessing a deactivation date could delete a key early.
 */
export function journalFactsFrom(data: JournalFactsData): JournalFacts {
  const deactivated = new Map<string, Date>();
  for (const [k, v] of Object.entries(data.deactivatedAt ?? {})) {
    const date = v instanceof Date ? v : new Date(v);
    if (Number.isNaN(date.getTime())) {
      throw new Error(
        `journal facts: deactivatedAt[${JSON.stringify(k)}] is not a timestamp (got ${JSON.stringify(v)}); ` +
          'fix or remove that journal record',
      );
    }
    deactivated.set(k, date);
  }
  const notified = new Set(data.notified ?? []);
  return {
    deactivatedAt: (accountId, accessKeyId) => deactivated.get(`${accountId}/${accessKeyId}`) ?? null,
    notified: (id) => notified.has(id),
  };
}
