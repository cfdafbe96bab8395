/**
 * The file journal: append-only JSON lines, each record flushed to disk (fsync) before `append`
 * resolves; one run at a time holds its lock (./file-lock.ts).
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { JournalParseError, parseJournal } from '../core/journal/records.js';
import { acquireFileLock, inspectFileLock } from './file-lock.js';
import { type Journal, JournalError } from './journal.js';

/**
 * Opens (lazily creates, with its directory) the journal at `path`. Earlier content is never
 * rewritten: when the file ends in a line cut short by a crash, a newline is written first, so the
 * torn line stays visible (parse reports it) and the next record starts on its own line.
 */
export function openFileJournal(path: string): Journal {
  let checkedTail = false;
  let lock: { count: number; release: () => void } | null = null;
  return {
    location: path,
    async lockHolder() {
      return inspectFileLock(`${path}.lock`);
    },
    async lockRun(holder) {
      if (lock !== null) {
        lock.count += 1;
      } else {
        try {
          // A directory that cannot be made shows in the lock's own error (ENOTDIR, EACCES).
          try {
            mkdirSync(dirname(path), { recursive: true });
          } catch {}
          const attempt = acquireFileLock(`${path}.lock`, {
            runId: holder.runId,
            command: holder.command,
            since: holder.now.toISOString(),
          });
          if (attempt.kind === 'held') return attempt;
          lock = { count: 1, release: attempt.release };
        } catch (error) {
          throw new JournalError(
            `cannot lock the journal ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; ` +
              'nothing is changed until it can be (check the permissions of its directory)',
            { cause: error },
          );
        }
      }
      let released = false;
      return {
        kind: 'acquired',
        release: async () => {
          if (released || lock === null) return;
          released = true;
          lock.count -= 1;
          if (lock.count === 0) {
            lock.release();
            lock = null;
          }
        },
      };
    },
    async append(record) {
      const line = `${JSON.stringify(record)}\n`;
      try {
        const created = !existsSync(path);
        if (created) mkdirSync(dirname(path), { recursive: true });
        const fd = openSync(path, 'a+');
        try {
          if (!checkedTail) {
            if (!endsWithNewline(fd)) writeSync(fd, '\n');
            checkedTail = true;
          }
          writeSync(fd, line);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        if (created) syncDirectory(dirname(path));
      } catch (error) {
        throw new JournalError(
          `cannot write the journal ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; ` +
            'nothing further is changed until it can be written (check the path, permissions and free space)',
          { cause: error },
        );
      }
    },
    async read() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return { records: [], warnings: [], absent: true };
        }
        throw new JournalError(
          `cannot read the journal ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          { cause: error },
        );
      }
      try {
        const repaired = tornLinesBlanked(text);
        const { records, warnings } = parseJournal(repaired.text);
        return { records, warnings: [...repaired.warnings, ...warnings].map((w) => `${path}: ${w}`) };
      } catch (error) {
        if (error instanceof JournalParseError) {
          throw new JournalError(`${path}: ${error.message}`, { cause: error });
        }
        throw error;
      }
    },
  };
}

/**
 * A line cut short by a crash and then followed by the newline {@link openFileJournal} adds is not
 * JSON; it is blanked (line numbers stay) with a warning, as if it were still the last line. Only
 * an unfinished record (starts like one, is not valid JSON) is blanked; other bad lines still fail.
 */
function tornLinesBlanked(text: string): { text: string; warnings: string[] } {
  const warnings: string[] = [];
  const lines = text.split('\n').map((line, index, all) => {
    if (index === all.length - 1 || !line.startsWith('{"v":1,')) return line;
    try {
      JSON.parse(line);
      return line;
    } catch {
      warnings.push(
        `journal line ${index + 1}: incomplete record ignored; an earlier run stopped while writing it`,
      );
      return '';
    }
  });
  return { text: lines.join('\n'), warnings };
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** Makes a new file's directory entry durable too (POSIX); a no-op where directories cannot be opened. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory; the file's own fsync is what matters most.
  }
}
