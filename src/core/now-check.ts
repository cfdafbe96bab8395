/**
 * Whether "now" lies before what the inventory records: a `--now` earlier than the credential report
 * or a key's last use gives negative ages ("last used -13455 days ago"), so the caller warns.
 */
import type { AccountInventory } from './model.js';

export interface NowBeforeData {
  /** How far `now` lies before the newest moment, in milliseconds (> 0). */
  readonly aheadMs: number;
  /** The newest moment the inventory records (ISO 8601). */
  readonly at: string;
  /** What happened then, e.g. `access key AKIA… of alice was last used`. */
  readonly what: string;
}

/**
 * The newest moment the inventory records when it is later than `now`; null when none is. Every
 * moment a rule measures an age from counts. One pass, and text only for a new newest moment, so a
 * million keys cost little.
 */
export function nowBeforeData(inventory: AccountInventory, now: Date): NowBeforeData | null {
  const newest = { ms: now.getTime(), what: '' };
  const consider = (time: Date | null, what: () => string) => {
    if (time !== null && time.getTime() > newest.ms) {
      newest.ms = time.getTime();
      newest.what = what();
    }
  };
  consider(inventory.reportGeneratedAt, () => 'the credential report was generated');
  for (const u of inventory.users) {
    consider(u.createDate, () => `user ${u.userName} was created`);
    if (u.loginProfile !== null) {
      consider(u.loginProfile.createDate, () => `the console password of ${u.userName} was created`);
      consider(u.passwordLastUsed, () => `the console password of ${u.userName} was last used`);
    }
    for (const k of u.accessKeys) {
      consider(k.createDate, () => `access key ${k.accessKeyId ?? k.slot} of ${u.userName} was created`);
      consider(k.lastUsedDate, () => `access key ${k.accessKeyId ?? k.slot} of ${u.userName} was last used`);
    }
  }
  for (const k of inventory.root?.accessKeys ?? []) {
    consider(k.lastRotated, () => `root access key ${k.slot} was created`);
    consider(k.lastUsedDate, () => `root access key ${k.slot} was last used`);
  }
  if (newest.what === '') return null;
  return { aheadMs: newest.ms - now.getTime(), at: new Date(newest.ms).toISOString(), what: newest.what };
}
