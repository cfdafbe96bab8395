/**
 * One run at a time per file journal: a run that changes AWS holds `<journal>.lock` for its whole
 * length. The lock file names the run and the process that holds it; a second run finds it, says
 * who holds it and does nothing. A lock whose process is gone (a crash, a kill) is taken over.
 *
 * How it stays exclusive without timing:
 * - the lock file is created whole and atomically (written to a private file, then hard-linked to
 *   the lock's name, which fails when the name exists);
 * - a holder is alive while its process is (same host: `kill(pid, 0)`, and on Linux the process's
 *   start time, so a reused pid is not mistaken for it); a holder on another host is always
 *   assumed alive, because its process cannot be seen from here;
 * - taking over a dead holder's lock happens under a second lock file (`<journal>.lock.takeover`),
 *   and only after reading again, under it, that the dead holder still holds the lock.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a file journal's lock. */
export interface JournalLockHolder {
  readonly runId: string;
  /** What the run is doing: `apply`, `resume`, `rotate`, `undo`. */
  readonly command: string;
  /** When it took the lock (the run's clock). */
  readonly since: string;
  readonly pid: number;
  readonly hostname: string;
  /** The process's start time as Linux tells it (/proc), to tell a reused pid apart; null elsewhere. */
  readonly processStart: string | null;
}

export type LockAttempt =
  | {
      readonly kind: 'acquired';
      readonly release: () => void;
      readonly tookOverFrom: JournalLockHolder | null;
    }
  | { readonly kind: 'held'; readonly holder: JournalLockHolder };

/** Takes the lock at `lockPath` for `holder`, unless a live process holds it. */
export function acquireFileLock(
  lockPath: string,
  holder: Pick<JournalLockHolder, 'runId' | 'command' | 'since'>,
): LockAttempt {
  const mine: JournalLockHolder = {
    ...holder,
    pid: process.pid,
    hostname: hostname(),
    processStart: processStart(process.pid),
  };
  let tookOverFrom: JournalLockHolder | null = null;
  // Each turn either takes the lock, finds a live holder, or removes a dead one; three are plenty.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createWhole(lockPath, mine)) {
      return { kind: 'acquired', release: () => releaseIfMine(lockPath, mine), tookOverFrom };
    }
    const current = readHolder(lockPath);
    if (current === undefined) continue; // released meanwhile
    if (current === null || isAlive(current))
      return { kind: 'held', holder: current ?? unreadable(lockPath) };
    // A dead holder: remove its lock under the takeover lock, after reading it again there.
    const takeover = `${lockPath}.takeover`;
    if (!createWhole(takeover, mine)) {
      const taker = readHolder(takeover);
      if (taker !== undefined && taker !== null && isAlive(taker)) return { kind: 'held', holder: taker };
      removeIfSame(takeover, taker ?? null);
      continue;
    }
    try {
      const again = readHolder(lockPath);
      if (again !== undefined && again !== null && sameHolder(again, current)) {
        unlinkSync(lockPath);
        tookOverFrom = current;
      }
    } finally {
      releaseIfMine(takeover, mine);
    }
  }
  const last = readHolder(lockPath);
  return { kind: 'held', holder: last ?? unreadable(lockPath) };
}

/** Creates `path` holding `holder`, whole, or returns false when `path` exists. */
function createWhole(path: string, holder: JournalLockHolder): boolean {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/**
 * Who holds the lock at `lockPath` now, and whether that process still runs; null when nobody does.
 * A holder that is not alive is taken over by the next run that locks.
 */
export function inspectFileLock(
  lockPath: string,
): { readonly holder: JournalLockHolder; readonly alive: boolean } | null {
  const holder = readHolder(lockPath);
  if (holder === undefined) return null;
  if (holder === null) return { holder: unreadable(lockPath), alive: true };
  return { holder, alive: isAlive(holder) };
}

/** The holder in `path`; undefined when there is no such file, null when it cannot be read as one. */
function readHolder(path: string): JournalLockHolder | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<JournalLockHolder>;
    if (
      typeof value.runId !== 'string' ||
      typeof value.pid !== 'number' ||
      typeof value.hostname !== 'string'
    ) {
      return null;
    }
    return {
      runId: value.runId,
      command: String(value.command ?? 'unknown'),
      since: String(value.since ?? 'unknown'),
      pid: value.pid,
      hostname: value.hostname,
      processStart: typeof value.processStart === 'string' ? value.processStart : null,
    };
  } catch {
    return null;
  }
}

/** A lock file that is not a holder (written by hand?): shown as held, never removed by Keywarden. */
function unreadable(path: string): JournalLockHolder {
  return {
    runId: 'unknown',
    command: 'unknown',
    since: 'unknown',
    pid: 0,
    hostname: `unreadable ${path}`,
    processStart: null,
  };
}

/** True while the holder's process runs; a holder on another host is assumed to. */
function isAlive(holder: JournalLockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) return holder.processStart === processStart(process.pid);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStart(holder.pid);
  return holder.processStart === null || start === null || start === holder.processStart;
}

function sameHolder(a: JournalLockHolder, b: JournalLockHolder): boolean {
  return a.runId === b.runId && a.pid === b.pid && a.hostname === b.hostname;
}

function releaseIfMine(path: string, mine: JournalLockHolder): void {
  const current = readHolder(path);
  if (current !== undefined && current !== null && sameHolder(current, mine)) unlinkSync(path);
}

function removeIfSame(path: string, seen: JournalLockHolder | null): void {
  const current = readHolder(path);
  if (current === undefined) return;
  if (seen === null ? current === null : current !== null && sameHolder(current, seen)) {
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot); null where there is no /proc. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
