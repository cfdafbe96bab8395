/**
 * The simulated account of the forecast's default view: the inventory and journal facts as they
 * would be after Keywarden's daily runs, each run's actions applied with the effect the executor
 * would have. Pure; nothing here reads a clock.
 *
 * Assumptions (stated in the forecast's output and docs/reports.md):
 * - every notice is delivered the day it is planned, so it is not sent again;
 * - a credential in use (last used fewer than `rotation.inUseGraceDays` days before the forecast's
 *   start) is used every day; any other credential is never used again;
 * - owners follow the rotation notice: from the day its replacement is created, the replacement
 *   is used instead of the old key, whose last use stays that day (a user whose keys are in use
 *   and who already has two Active keys uses the newer one from the start); a key deactivated
 *   while in use passes its use to the user's other Active key, if any;
 * - nobody but Keywarden changes a credential.
 */
import { simulatedUser } from './actions/registry.js';
import { daysBetween } from './days.js';
import type { AccessKeyRecord, AccountInventory, UserRecord } from './model.js';
import { type KeyEvent, type KeyEventKind, openInactiveRecord } from './plan/key-history.js';
import type { Action, JournalFacts, NotifyAction } from './plan/types.js';
import type { Policy } from './policy/types.js';

/** One user's simulated state; records are replaced, never mutated. */
interface SimUser {
  record: UserRecord;
  /** Ids of the user's keys in use: used again every simulated day. */
  readonly keysInUse: Set<string>;
  readonly passwordInUse: boolean;
}

/**
 * The name the simulation gives the key that replaces `oldId`: `AKIA...+1`, then `+2` for its own
 * replacement, so a table shows what it replaces. AWS picks the real id when the key is created.
 */
function simulatedKeyId(oldId: string): string {
  const m = /^(.*)\+(\d+)$/.exec(oldId);
  return m === null ? `${oldId}+1` : `${m[1]}+${Number(m[2]) + 1}`;
}

export class SimulatedAccount {
  private readonly users = new Map<string, SimUser>();
  private readonly events = new Map<string, KeyEvent[]>();
  private readonly notifiedIds = new Set<string>();
  /** The journal facts as the planner sees them after the simulated runs. */
  readonly facts: JournalFacts;

  constructor(
    private readonly base: AccountInventory,
    baseFacts: JournalFacts,
    policy: Policy,
    now: Date,
  ) {
    const grace = policy.rotation.inUseGraceDays;
    const inUse = (used: Date | null) => used !== null && daysBetween(used, now) < grace;
    const pending = new Set(baseFacts.pendingNotices(base.accountId).map((n) => n.userName));
    for (const user of base.users) {
      // A user with no credential and no notice pending is never planned anything: not simulated.
      if (user.accessKeys.length === 0 && user.loginProfile === null && !pending.has(user.userName)) continue;
      const active = user.accessKeys
        .filter((k) => k.status === 'Active' && k.accessKeyId !== null)
        .sort((a, b) => a.createDate.getTime() - b.createDate.getTime());
      const keysInUse = new Set<string>();
      // A rotation already under way: whoever uses the user's keys moves to the newest one.
      const newest = active.at(-1)?.accessKeyId;
      if (newest != null && active.some((k) => inUse(k.lastUsedDate))) keysInUse.add(newest);
      this.users.set(user.userName, {
        record: user,
        keysInUse,
        passwordInUse: user.loginProfile !== null && inUse(user.passwordLastUsed),
      });
    }
    const history = (accountId: string, id: string) => [
      ...baseFacts.keyHistory(accountId, id),
      ...(this.events.get(`${accountId}/${id}`) ?? []),
    ];
    this.facts = {
      keyHistory: history,
      inactiveSince: (accountId, id) => openInactiveRecord(history(accountId, id)),
      notified: (id) => this.notifiedIds.has(id) || baseFacts.notified(id),
      pendingNotices: (accountId) =>
        baseFacts.pendingNotices(accountId).filter((n: NotifyAction) => !this.notifiedIds.has(n.id)),
      holdOf: (accountId, id) => baseFacts.holdOf(accountId, id),
      rotationsInProgress: (accountId) => baseFacts.rotationsInProgress(accountId),
    };
  }

  /** The simulated inventory: only the users that have something to plan. */
  inventory(): AccountInventory {
    return { ...this.base, users: [...this.users.values()].map((u) => u.record) };
  }

  /** Another day passes: every credential in use is used at `at`. */
  use(at: Date): void {
    for (const u of this.users.values()) {
      if (u.keysInUse.size === 0 && !u.passwordInUse) continue;
      const r = u.record;
      u.record = {
        ...r,
        passwordLastUsed: u.passwordInUse && r.loginProfile !== null ? at : r.passwordLastUsed,
        accessKeys: r.accessKeys.map((k) =>
          k.accessKeyId !== null && u.keysInUse.has(k.accessKeyId) ? { ...k, lastUsedDate: at } : k,
        ),
      };
    }
  }

  /** Carries out one run's actions (in plan order) as the executor would, at `at`. */
  apply(actions: readonly Action[], at: Date): void {
    for (const a of actions) {
      const u = this.users.get(a.userName);
      if (u === undefined) continue;
      switch (a.type) {
        case 'create-key': {
          const id = simulatedKeyId(a.replacesAccessKeyId);
          const created: AccessKeyRecord = {
            accessKeyId: id,
            idAmbiguous: false,
            slot: u.record.accessKeys.length === 0 ? 1 : 2,
            status: 'Active',
            createDate: at,
            lastUsedDate: null,
            lastUsedService: null,
            lastUsedRegion: null,
          };
          u.record = { ...u.record, accessKeys: [...u.record.accessKeys, created] };
          // The owner moves the application to the new key that day: the old key's last use.
          if (u.keysInUse.delete(a.replacesAccessKeyId)) {
            u.keysInUse.add(id);
            this.setKey(u, a.replacesAccessKeyId, (k) => ({ ...k, lastUsedDate: at }));
          }
          break;
        }
        case 'deactivate-key':
          this.setKey(u, a.accessKeyId, (k) => ({ ...k, status: 'Inactive' }));
          this.event(a.accountId, a.accessKeyId, 'deactivated', at);
          this.stopUsing(u, a.accessKeyId);
          break;
        case 'delete-key':
          u.record = {
            ...u.record,
            accessKeys: u.record.accessKeys.filter((k) => k.accessKeyId !== a.accessKeyId),
          };
          this.stopUsing(u, a.accessKeyId);
          break;
        case 'delete-login-profile':
          u.record = { ...u.record, loginProfile: null };
          break;
        case 'note-inactive':
          this.event(a.accountId, a.accessKeyId, 'seen-inactive', at);
          break;
        case 'note-active':
          this.event(a.accountId, a.accessKeyId, 'seen-active', at);
          break;
        case 'notify':
          this.notifiedIds.add(a.id);
          break;
        case 'store-secret':
          break;
        default:
          // An action of one's own declares its effect in its definition (src/core/actions).
          u.record = simulatedUser(a, u.record, at);
      }
    }
  }

  private setKey(u: SimUser, id: string, change: (k: AccessKeyRecord) => AccessKeyRecord): void {
    u.record = {
      ...u.record,
      accessKeys: u.record.accessKeys.map((k) => (k.accessKeyId === id ? change(k) : k)),
    };
  }

  /** A key out of use: its application moves to the user's other Active key, if there is one. */
  private stopUsing(u: SimUser, id: string): void {
    if (!u.keysInUse.delete(id)) return;
    const other = u.record.accessKeys.find(
      (k) => k.status === 'Active' && k.accessKeyId !== null && k.accessKeyId !== id,
    );
    if (other?.accessKeyId != null) u.keysInUse.add(other.accessKeyId);
  }

  private event(accountId: string, id: string, kind: KeyEventKind, at: Date): void {
    const key = `${accountId}/${id}`;
    this.events.set(key, [...(this.events.get(key) ?? []), { kind, at }]);
  }
}
