/**
 * Structured JSON logs with Powertools for AWS Lambda's Logger. In Lambda every line goes to
 * CloudWatch through stdout; `keywarden invoke` prints the handler's result on stdout, so it sends
 * the log lines to stderr instead. Nothing logged here ever holds a secret: the handlers log counts,
 * ids and action results, which never carry a SecretAccessKey.
 */
import { Console } from 'node:console';
import { Logger } from '@aws-lambda-powertools/logger';

/** What the handlers log with; a test may pass its own. */
export type HandlerLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error' | 'appendKeys' | 'addContext'>;

export interface LoggerOptions {
  /** Where every log line goes (all levels); default: stdout and stderr as in Lambda. */
  readonly stream?: NodeJS.WritableStream;
  /** Default `keywarden` (or POWERTOOLS_SERVICE_NAME). */
  readonly serviceName?: string;
  /**
   * The first invocation this logger sees logs `cold_start: true` (`keywarden invoke`: a fresh
   * process is a fresh execution environment). Default false: Powertools decides, and it counts a
   * cold start only where Lambda sets AWS_LAMBDA_INITIALIZATION_TYPE to on-demand.
   */
  readonly localColdStart?: boolean;
}

/** A Logger whose first invocation is a cold start, outside Lambda too. */
class LocalLogger extends Logger {
  #coldStart = true;

  protected override getColdStart(): boolean {
    const cold = this.#coldStart;
    this.#coldStart = false;
    return cold;
  }
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    serviceName: options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'keywarden',
  };
  const logger = options.localColdStart ? new LocalLogger(settings) : new Logger(settings);
  if (options.stream !== undefined) {
    // Powertools writes through a private Console of its own; the Logger has no option for the
    // stream, so the one supported seam of Node's Console is used instead.
    (logger as unknown as { console: Console }).console = new Console({
      stdout: options.stream,
      stderr: options.stream,
    });
  }
  return logger;
}
