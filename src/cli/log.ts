/**
 * The one way the CLI writes to stderr. Every command gets, as `io.stderr`, a {@link CliLog}: the
 * global flags decide what reaches the real stderr and in which form; stdout (the report) never
 * passes through here.
 *
 * - **Levels.** An error explains a failure or a non-zero exit; a warning is something the user
 *   should act on; info is the rest (what was written where, dry-run notes); progress lines redraw
 *   one terminal line. `--quiet` drops info and progress, never a warning or an error. `--verbose`
 *   adds one line per AWS call (its name, account, region, duration and attempts, never a
 *   parameter or an answer).
 * - **Formats.** `text` (default) writes lines as they always were, `keywarden: …`. `json` writes one
 *   JSON object per line in the shape the Lambda handlers' Powertools Logger writes (`level`,
 *   `message`, `timestamp`, `service`, then the fields), and no progress lines.
 * - **Lines written as text.** Code that writes a line to `io.stderr` rather than calling a level
 *   is classified by its prefix: `keywarden: warning: ` is a warning, commander's `error: ` an error,
 *   a JSON object with a `level` (the handlers' own logs under `keywarden invoke`) keeps its level,
 *   anything else is info.
 */
import { Writable } from 'node:stream';
import type { AwsCallRecord } from '../engine/connect.js';
import type { CliIO } from './io.js';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `quiet`: warnings and errors only; `normal`: and info and progress; `verbose`: and every AWS call. */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

export interface LogSettings {
  readonly verbosity: Verbosity;
  readonly format: LogFormat;
}

/** The levels Powertools Logger writes, as it spells them. */
type Level = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

type Fields = Readonly<Record<string, string | number | null>>;

const WARNING_PREFIX = 'keywarden: warning: ';
const PREFIX = 'keywarden: ';
const COMMANDER_ERROR_PREFIX = 'error: ';

/** One AWS call as a text line: `aws iam:ListUsers account=… region=… 23 ms attempts=1`. */
function callLine(call: AwsCallRecord): string {
  return (
    `aws ${call.service}:${call.operation} account=${call.accountId ?? 'unknown'} region=${call.region} ` +
    `${call.durationMs} ms attempts=${call.attempts}` +
    (call.totalRetryDelayMs > 0 ? ` retry-delay=${call.totalRetryDelayMs} ms` : '') +
    (call.errorCode === null ? '' : ` error=${call.errorCode}`)
  );
}

/** The call's fields under the handlers' camelCase names; `service` is Keywarden's, so AWS's is `awsService`. */
function callFields(call: AwsCallRecord): Fields {
  return {
    awsService: call.service,
    operation: call.operation,
    accountId: call.accountId,
    region: call.region,
    durationMs: call.durationMs,
    attempts: call.attempts,
    totalRetryDelayMs: call.totalRetryDelayMs,
    errorCode: call.errorCode,
  };
}

export class CliLog extends Writable {
  #settings: LogSettings = { verbosity: 'normal', format: 'text' };
  /** A line written as text, not yet ended (quiet or json only: text passes through as written). */
  #partial = '';

  constructor(
    private readonly target: CliIO['stderr'],
    private readonly now: () => Date = () => new Date(),
  ) {
    super({ decodeStrings: false });
  }

  /** Set once the global flags are parsed, before the command runs. */
  configure(settings: LogSettings): void {
    this.flush();
    this.#settings = settings;
  }

  /** True only while plain text goes to a terminal and progress is wanted: every progress line asks this. */
  get isTTY(): boolean {
    return !!this.target.isTTY && this.#settings.format === 'text' && this.#settings.verbosity !== 'quiet';
  }

  /** What explains a failure or a non-zero exit; always written. */
  error(message: string): void {
    this.#emit('ERROR', message);
  }

  /** Something the user should act on; always written. */
  warn(message: string): void {
    this.#emit('WARN', message);
  }

  /** Everything else worth a line; not with `--quiet`. */
  info(message: string): void {
    this.#emit('INFO', message);
  }

  /** The observer for the connection's `onCall` with `--verbose`; undefined otherwise, so no middleware is added. */
  get callObserver(): ((call: AwsCallRecord) => void) | undefined {
    return this.#settings.verbosity === 'verbose' ? this.#observer : undefined;
  }

  /** One function for the whole run: the SDK layer remembers the caller's account per observer. */
  readonly #observer = (call: AwsCallRecord): void =>
    this.#emit('DEBUG', callLine(call), callFields(call), `aws ${call.service}:${call.operation}`);

  /** Writes out a last line left without its newline. */
  flush(): void {
    if (this.#partial !== '') this.#line(this.#partial);
    this.#partial = '';
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#raw(typeof chunk === 'string' ? chunk : String(chunk));
    callback();
  }

  #raw(text: string): void {
    const { format, verbosity } = this.#settings;
    if (format === 'text' && verbosity !== 'quiet') {
      this.target.write(text);
      return;
    }
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  /** One line written as text, classified by its prefix (see the header). */
  #line(raw: string): void {
    // A progress line redraws after `\r`: only what is left after the last one would show.
    const line = raw.slice(raw.lastIndexOf('\r') + 1);
    if (line.startsWith('{')) {
      const level = structuredLevel(line);
      if (level !== null) {
        if (this.#shown(level)) this.target.write(`${line}\n`);
        return;
      }
    }
    if (line.startsWith(WARNING_PREFIX))
      this.#emit('WARN', line.slice(WARNING_PREFIX.length), {}, undefined, line);
    else if (line.startsWith(COMMANDER_ERROR_PREFIX)) this.#emit('ERROR', line, {}, undefined, line);
    else if (line.startsWith(PREFIX)) this.#emit('INFO', line.slice(PREFIX.length), {}, undefined, line);
    else if (line.trim() !== '' || this.#settings.format === 'text')
      this.#emit('INFO', line, {}, undefined, line);
  }

  #shown(level: Level): boolean {
    switch (this.#settings.verbosity) {
      case 'quiet':
        return level === 'ERROR' || level === 'WARN';
      case 'normal':
        return level !== 'DEBUG';
      case 'verbose':
        return true;
      default:
        return this.#settings.verbosity satisfies never;
    }
  }

  /**
   * `text`: the line as given (`asText`), else `keywarden: [warning: ]message`. `json`: one object,
   * with `jsonMessage` as its message when given.
   */
  #emit(level: Level, message: string, fields: Fields = {}, jsonMessage?: string, asText?: string): void {
    if (!this.#shown(level)) return;
    if (this.#settings.format === 'json') {
      const record = {
        level,
        message: jsonMessage ?? message,
        timestamp: this.now().toISOString(),
        service: 'keywarden',
        ...fields,
      };
      this.target.write(`${JSON.stringify(record)}\n`);
      return;
    }
    const text = asText ?? (level === 'WARN' ? `${WARNING_PREFIX}${message}` : `${PREFIX}${message}`);
    this.target.write(`${text}\n`);
  }
}

/** The level of a line that is already a structured log record (Powertools' JSON), else null. */
function structuredLevel(line: string): Level | null {
  try {
    const parsed: unknown = JSON.parse(line);
    const level = (parsed as { level?: unknown } | null)?.level;
    if (typeof level !== 'string') return null;
    const upper = level.toUpperCase();
    if (upper === 'CRITICAL') return 'ERROR';
    return upper === 'ERROR' || upper === 'WARN' || upper === 'INFO' || upper === 'DEBUG' ? upper : 'INFO';
  } catch {
    return null;
  }
}

/** The CLI's log behind `io.stderr`; a plain stream (a test calling a function directly) gets default settings. */
export function logOf(io: Pick<CliIO, 'stderr'>): CliLog {
  return io.stderr instanceof CliLog ? io.stderr : new CliLog(io.stderr);
}
