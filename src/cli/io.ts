import { createInterface } from 'node:readline/promises';
import { DEFAULT_COLUMNS } from './render/fit.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The exit code of a command stopped by `signal`, as a shell reports one killed by it. */
export function exitCodeFor(signal: StopSignal): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIO {
  /** `columns`: the terminal's width, when stdout is one. */
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /**
   * What a command gets here is the CLI's log (src/cli/log.ts): the global flags decide what of it
   * reaches the real stderr, and `isTTY` is false when progress lines are not wanted.
   */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** What `-` reads (`keywarden invoke --event -`); absent: nothing to read. */
  readonly stdin?: NodeJS.ReadableStream;
  /**
   * Takes over Ctrl-C and SIGTERM for a command that stops gracefully (apply finishes the action in
   * flight; sandbox shuts its server down): the first signal resolves the promise instead of ending
   * the process, a second one ends it at once. A command that never calls this stops at once.
   */
  readonly takeInterrupts: () => Promise<StopSignal>;
  /** Asks a yes/no question; absent when nobody can answer (stdin is not a terminal). */
  readonly confirm?: (question: string) => Promise<boolean>;
}

/**
 * Tables are fitted to the terminal's width; when stdout is not a terminal (a pipe, CI's log), to
 * `COLUMNS` if it is a whole number, else 100 columns. Never under 40. A terminal's own width wins
 * over `COLUMNS`, as in `ls`: an exported `COLUMNS` goes stale when the window is resized.
 */
export function outputColumns(io: CliIO): number {
  if (io.stdout.isTTY && io.stdout.columns) return Math.max(40, io.stdout.columns);
  const columns = io.env.COLUMNS?.trim() ?? '';
  return /^\d+$/.test(columns) && Number(columns) > 0 ? Math.max(40, Number(columns)) : DEFAULT_COLUMNS;
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export function processIO(): CliIO {
  return {
    ...(process.stdin.isTTY ? { confirm: ask } : {}),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    takeInterrupts: () => {
      taken ??= new Promise<StopSignal>((resolve) => {
        // `once`: after the first signal Node's default handling is back, so a second one ends the
        // process at once.
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      return taken;
    },
  };
}

let taken: Promise<StopSignal> | undefined;
