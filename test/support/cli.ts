/**
 * Test support: run the CLI in-process (fast) or as a real process from the built package
 * (bin/keywarden.js). A process gets `processEnv()`: none of the caller's variables but PATH and the
 * locale, its own empty HOME, and what the test passes. Unless a test names one, every run works
 * in a new empty folder, so a keywarden.yaml or .keywarden/ in the clone is neither read nor written.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import type { CliIO, StopSignal } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { emptyDir, processEnv, SUITE_ENV } from './env.js';
import { BIN, REPO_ROOT } from './paths.js';

export { BIN, REPO_ROOT };

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

function capture(isTTY: boolean, columns?: number) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  stream.isTTY = isTTY;
  if (columns !== undefined) stream.columns = columns;
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { stream, text: () => text };
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  tty?: boolean;
  /** The terminal's width (with `tty`). */
  columns?: number;
  /** Resolves when the test sends the command a stop signal (what takeInterrupts returns). */
  interrupted?: Promise<StopSignal>;
  /** Answers the CLI's yes/no questions, as a person at a terminal would; absent: nobody can answer. */
  confirm?: (question: string) => Promise<boolean>;
  /** What the command reads on standard input (`-`); absent: an empty stream. */
  stdin?: string;
}

/** A CLI run in progress: its result, and a way to wait for a line it prints on the way. */
export interface RunningCli {
  readonly done: Promise<CliResult>;
  /** Resolves with the first match of `pattern` in the stream's output; rejects if the run ends first. */
  printed(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray>;
}

/** Starts `keywarden ...args` in this process with captured output and a controlled environment. */
export function startCli(args: readonly string[], options: CliRunOptions = {}): RunningCli {
  const out = capture(options.tty ?? false, options.columns);
  const err = capture(options.tty ?? false);
  const io: CliIO = {
    stdout: out.stream,
    stderr: err.stream,
    env: { ...SUITE_ENV, ...options.env },
    cwd: options.cwd ?? emptyDir('cwd-'),
    stdin: Readable.from([options.stdin ?? '']),
    takeInterrupts: () => options.interrupted ?? new Promise<StopSignal>(() => {}),
    ...(options.confirm ? { confirm: options.confirm } : {}),
  };
  const done = main(args, io).then((exitCode) => ({ exitCode, stdout: out.text(), stderr: err.text() }));
  const printed = (stream: 'stdout' | 'stderr', pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const captured = stream === 'stdout' ? out : err;
      const check = () => {
        const match = pattern.exec(captured.text());
        if (match) resolve(match);
        return match;
      };
      if (check()) return;
      captured.stream.on('data', check);
      done.then((result) => {
        if (!check())
          reject(
            new Error(`the CLI exited (${result.exitCode}) before printing ${pattern}: ${result.stderr}`),
          );
      }, reject);
    });
  return { done, printed };
}

/** Runs `keywarden ...args` in this process with captured output and a controlled environment. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** Spawns the built CLI (the global setup builds `dist/` when it is missing or stale). */
export function spawnCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? emptyDir('cwd-'),
    env: processEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the first stdout match of `pattern`, or rejects if the process exits first. */
export function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let errors = '';
    child.stderr?.on('data', (c: Buffer) => {
      errors += c.toString('utf8');
    });
    child.stdout?.on('data', (c: Buffer) => {
      seen += c.toString('utf8');
      const m = pattern.exec(seen);
      if (m) resolve(m);
    });
    child.once('exit', (code) =>
      reject(new Error(`process exited (${code}) before printing ${pattern}: ${errors}`)),
    );
  });
}

/** Runs a process to completion in `processEnv(options.env)` and collects its output. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? emptyDir('cwd-'),
      env: processEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
  });
}
