import { createInterface } from 'node:readline/promises';
import { DEFAULT_COLUMNS } from './render/fit.js';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIO {
  /** `columns`: the terminal's width, when stdout is one. */
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Resolves when the user asks a long-running command (sandbox) to stop. */
  readonly interrupted: Promise<void>;
  /** Asks a yes/no question; absent when nobody can answer (stdin is not a terminal). */
  readonly confirm?: (question: string) => Promise<boolean>;
}

/** Tables are fitted to the terminal's width; 100 columns when stdout is not a terminal. */
export function outputColumns(io: CliIO): number {
  return io.stdout.isTTY && io.stdout.columns ? Math.max(40, io.stdout.columns) : DEFAULT_COLUMNS;
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
    env: process.env,
    cwd: process.cwd(),
    interrupted: new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
  };
}
