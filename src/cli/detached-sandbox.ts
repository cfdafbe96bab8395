/**
 * `keywarden sandbox --detach` and `--stop`: the sandbox as a background process, so a shell script
 * (the README's) can start it, use it and stop it. The background process is `keywarden sandbox`
 * itself, given a pid file: it writes the file once it listens, tells the starting process over an
 * IPC channel, and removes the file when it stops. Its output goes to a log next to the pid file.
 * Nothing here sleeps: starting waits for the ready message (or the child's exit, within a bound),
 * stopping waits for the sandbox to close a connection it was given.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { CliError } from './errors.js';
import { BIN_PATH } from './paths.js';

/** How long `--detach` waits for the sandbox to listen before it gives up (and stops it). */
const DETACH_READY_TIMEOUT_MS = 30_000;
/** How long `--stop` waits for the sandbox to stop listening after SIGTERM. */
const STOP_TIMEOUT_MS = 10_000;

/** The pid file and log of the detached sandbox in a state directory (one at a time). */
function sandboxFiles(stateDir: string): { readonly pidFile: string; readonly log: string } {
  return { pidFile: join(stateDir, 'sandbox.json'), log: join(stateDir, 'sandbox.log') };
}

/** What the detached sandbox writes to its pid file. */
export interface SandboxPidFile {
  readonly pid: number;
  readonly url: string;
  readonly startedAt: string;
}

/** What the detached sandbox tells the process that started it, once it listens. */
export interface SandboxReady {
  readonly kind: 'keywarden-sandbox-ready';
  readonly url: string;
  readonly accounts: number;
  readonly users: number;
  readonly defaultAccountId: string;
}

function isReady(message: unknown): message is SandboxReady {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { kind?: unknown }).kind === 'keywarden-sandbox-ready'
  );
}

/** The pid file's content; null when there is none. */
function readPidFile(pidFile: string): SandboxPidFile | null {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<SandboxPidFile>;
    if (Number.isSafeInteger(value.pid) && typeof value.url === 'string') return value as SandboxPidFile;
  } catch {
    // Reported below.
  }
  throw new CliError(
    `${pidFile}: not a sandbox pid file (got ${JSON.stringify(text.slice(0, 80))}); remove it`,
  );
}

/** Removes the pid file when it still names `pid` (a newer sandbox may have written its own). */
export function removePidFile(pidFile: string, pid: number): void {
  try {
    if (readPidFile(pidFile)?.pid === pid) rmSync(pidFile, { force: true });
  } catch {
    // Unreadable: leave it for --stop to report.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DetachRequest {
  readonly stateDir: string;
  /** `sandbox` flags for the background process (port, seed, world), validated by it. */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export type Detached = SandboxReady & {
  readonly pid: number;
  readonly log: string;
  readonly pidFile: string;
};

/**
 * Starts the sandbox in the background and resolves once it listens. A sandbox already running
 * from this state directory is an error naming it; one that fails to start is its own one line.
 */
export async function startDetachedSandbox(request: DetachRequest): Promise<Detached> {
  const { pidFile, log } = sandboxFiles(request.stateDir);
  const running = readPidFile(pidFile);
  if (running !== null && alive(running.pid)) {
    throw new CliError(
      `--detach: a detached sandbox is already running (pid ${running.pid}, ${running.url}); stop it with: keywarden sandbox --stop`,
    );
  }
  if (running !== null) rmSync(pidFile, { force: true });
  mkdirSync(request.stateDir, { recursive: true });
  const logStart = sizeOf(log);
  const logFd = openSync(log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [BIN_PATH, 'sandbox', ...request.args, '--pid-file', pidFile], {
      cwd: request.cwd,
      env: request.env,
      // Its own session: a closed terminal or Ctrl-C in the shell that started it does not stop it.
      detached: true,
      stdio: ['ignore', logFd, logFd, 'ipc'],
    });
  } finally {
    closeSync(logFd);
  }
  const ready = await new Promise<SandboxReady>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new CliError(
          `--detach: the sandbox did not listen within ${DETACH_READY_TIMEOUT_MS / 1000} s; it was stopped (see ${log})`,
        ),
      );
    }, DETACH_READY_TIMEOUT_MS);
    child.once('message', (message) => {
      if (!isReady(message)) return;
      clearTimeout(timer);
      resolve(message);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new CliError(`--detach: cannot start the sandbox: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new CliError(
          childFailure(log, logStart) ??
            `the sandbox exited (${code ?? signal}) before it listened; see ${log}`,
        ),
      );
    });
  });
  child.removeAllListeners();
  child.disconnect();
  child.unref();
  return { ...ready, pid: child.pid ?? 0, log, pidFile };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The one-line error the child wrote to the log (after `from`), without its `keywarden: ` prefix. */
function childFailure(log: string, from: number): string | null {
  let text: string;
  try {
    text = readFileSync(log).subarray(from).toString('utf8');
  } catch {
    return null;
  }
  const line = text
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('keywarden: '));
  return line === undefined ? null : line.slice('keywarden: '.length);
}

export type StopOutcome =
  | { readonly kind: 'not-running'; readonly pidFile: string }
  /** The pid file named a process that is gone. */
  | { readonly kind: 'already-stopped'; readonly pid: number; readonly pidFile: string }
  /** The process lives but nothing listens at the sandbox's address: not the sandbox any more. */
  | { readonly kind: 'not-the-sandbox'; readonly pid: number; readonly url: string; readonly pidFile: string }
  | { readonly kind: 'stopped'; readonly pid: number; readonly url: string };

/**
 * Stops the detached sandbox: SIGTERM to the pid in the pid file, then waits until the sandbox
 * closes a connection opened to it beforehand (it closes every connection as it stops listening).
 * A pid is signalled only while its sandbox answers at its address, so a reused pid is left alone.
 */
export async function stopDetachedSandbox(stateDir: string): Promise<StopOutcome> {
  const { pidFile } = sandboxFiles(stateDir);
  const running = readPidFile(pidFile);
  if (running === null) return { kind: 'not-running', pidFile };
  const { pid, url } = running;
  if (!alive(pid)) {
    rmSync(pidFile, { force: true });
    return { kind: 'already-stopped', pid, pidFile };
  }
  const socket = await connected(url);
  if (socket === null) {
    rmSync(pidFile, { force: true });
    return { kind: 'not-the-sandbox', pid, url, pidFile };
  }
  const closed = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  process.kill(pid, 'SIGTERM');
  if (!(await closed)) {
    socket.destroy();
    throw new CliError(
      `--stop: the sandbox (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s; stop it with: kill -9 ${pid}`,
    );
  }
  removePidFile(pidFile, pid);
  return { kind: 'stopped', pid, url };
}

/** An open connection to the sandbox at `url`; null when nothing accepts one there. */
function connected(url: string): Promise<Socket | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      // A reset as the sandbox stops is a close like any other.
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', () => resolve(null));
  });
}
