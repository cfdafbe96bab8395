import { formatDuration, MS_PER_DAY } from '../core/days.js';
import type { NowBeforeData } from '../core/now-check.js';

/** The warning for a `--now` earlier than the data it judges, naming how far before and what. */
export function nowBeforeDataWarning(now: Date, found: NowBeforeData): string {
  const days = Math.floor(found.aheadMs / MS_PER_DAY);
  const seconds = Math.floor(found.aheadMs / 1000);
  const far =
    days >= 1
      ? `${days} day${days === 1 ? '' : 's'}`
      : seconds >= 1
        ? formatDuration(seconds)
        : 'less than a second';
  return (
    `--now ${now.toISOString()} is ${far} before the newest data: ${found.what} at ${found.at}; ` +
    'ages measured from later moments come out negative'
  );
}
