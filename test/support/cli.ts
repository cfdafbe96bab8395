/** Test support: run the CLI in-process (fast) or as a real process from the built package (bin/keywarden.js). */
import { type ChildProcess, spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/keywarden.js', import.meta.url));

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

/** Runs `keywarden ...args` in this process with captured output and a controlled environment. */
export async function runCli(
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    tty?: boolean;
    /** The terminal's width (with `tty`). */
    columns?: number;
    interrupted?: Promise<void>;
    /** Answers the CLI's yes/no questions, as a person at a terminal would; absent: nobody can answer. */
    confirm?: (question: string) => Promise<boolean>;
  } = {},
): Promise<CliResult> {
  const out = capture(options.tty ?? false, options.columns);
  const err = capture(options.tty ?? false);
  const io: CliIO = {
    stdout: out.stream,
    stderr: err.stream,
    env: { AWS_EC2_METADATA_DISABLED: 'true', ...options.env },
    cwd: options.cwd ?? REPO_ROOT,
    interrupted: options.interrupted ?? new Promise<void>(() => {}),
    ...(options.confirm ? { confirm: options.confirm } : {}),
  };
  const exitCode = await main(args, io);
  return { exitCode, stdout: out.text(), stderr: err.text() };
}

/** Spawns the built CLI (`npm run build` first; `npm test` does). */
export function spawnCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', ...options.env },
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

/** Runs a process to completion and collects its output. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
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
