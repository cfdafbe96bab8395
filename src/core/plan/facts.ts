import type { JournalFacts } from './types.js';

/** No journal yet: nothing was deactivated by Keywarden and nothing was sent. */
export const NO_JOURNAL_FACTS: JournalFacts = {
  inactiveSince: () => null,
  notified: () => false,
};

export interface JournalFactsData {
  /** Keyed by `<accountId>/<accessKeyId>`; ISO timestamps or dates. */
  readonly inactiveSince?: Readonly<Record<string, string | Date>>;
  /** Ids of notify actions already sent. */
  readonly notified?: Iterable<string>;
}

/**
 * Builds {@link JournalFacts} from plain data, e.g. what the journal adapter read or a test
 * fixture. An unparseable timestamp throws: guessing a deactivation date could delete a key early.
 */
export function journalFactsFrom(data: JournalFactsData): JournalFacts {
  const inactive = new Map<string, Date>();
  for (const [k, v] of Object.entries(data.inactiveSince ?? {})) {
    const date = v instanceof Date ? v : new Date(v);
    if (Number.isNaN(date.getTime())) {
      throw new Error(
        `journal facts: inactiveSince[${JSON.stringify(k)}] is not a timestamp (got ${JSON.stringify(v)}); ` +
          'fix or remove that journal record',
      );
    }
    inactive.set(k, date);
  }
  const notified = new Set(data.notified ?? []);
  return {
    inactiveSince: (accountId, accessKeyId) => inactive.get(`${accountId}/${accessKeyId}`) ?? null,
    notified: (id) => notified.has(id),
  };
}
