/** Turns the common AWS flags and the environment into an `AwsConnection`, and failures into one-line CLI errors. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, sep } from 'node:path';
import type { Command } from 'commander';
import { type AwsConnection, DEFAULT_TIMEOUTS, TIMEOUT_SETTINGS, timeoutsFrom } from '../engine/connect.js';
import { failureLine } from '../engine/errors.js';
import { CliError } from './errors.js';
import type { CliIO } from './io.js';
import { logOf } from './log.js';

export interface AwsFlags {
  readonly profile?: string;
  readonly region?: string;
  readonly endpointUrl?: string;
  readonly connectTimeout?: string;
  readonly requestTimeout?: string;
}

export function addAwsOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'AWS named profile (default: the standard credential chain)')
    .option('--region <region>', 'AWS region to sign requests for (IAM is global; default us-east-1)')
    .option(
      '--endpoint-url <url>',
      'send every AWS call to this endpoint (e.g. the keywarden sandbox); also AWS_ENDPOINT_URL',
    )
    .option(
      '--connect-timeout <seconds>',
      `seconds to open a connection before the attempt fails (default ${DEFAULT_TIMEOUTS.connectMs / 1000}; also ${TIMEOUT_SETTINGS.connectMs.variable})`,
    )
    .option(
      '--request-timeout <seconds>',
      `seconds a call may take once connected (default ${DEFAULT_TIMEOUTS.requestMs / 1000}; also ${TIMEOUT_SETTINGS.requestMs.variable})`,
    );
}

/** The two files the SDK reads named profiles from, and how to name each to a user. */
function sharedConfigFiles(env: NodeJS.ProcessEnv): { readonly path: string; readonly shown: string }[] {
  const home = env.HOME || env.USERPROFILE || homedir();
  return [
    ['AWS_CONFIG_FILE', 'config'],
    ['AWS_SHARED_CREDENTIALS_FILE', 'credentials'],
  ].map(([variable = '', name = '']) => {
    const path = env[variable] || join(home, '.aws', name);
    return { path, shown: path.startsWith(home + sep) ? `~${path.slice(home.length)}` : path };
  });
}

/**
 * True when `[profile NAME]` (or `[NAME]`) heads a section of either shared file, as the SDK reads
 * them; a file that cannot be read holds no profile.
 */
function profileDefined(profile: string, env: NodeJS.ProcessEnv): boolean {
  return sharedConfigFiles(env).some(({ path }) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return false;
    }
    return [...text.matchAll(/^\s*\[\s*(?:profile\s+)?([^\]]*?)\s*\]/gm)].some((m) => m[1] === profile);
  });
}

/**
 * The connection the flags and the environment describe; with `--verbose` (io.stderr is the CLI's
 * log), every call its clients make is logged.
 */
export function connectionFrom(
  flags: AwsFlags,
  io: Pick<CliIO, 'env'> & { readonly stderr?: CliIO['stderr'] },
): AwsConnection {
  const env = io.env;
  if (flags.profile !== undefined && !profileDefined(flags.profile, env)) {
    const [config, credentials] = sharedConfigFiles(env).map((f) => f.shown);
    throw new CliError(`--profile: profile ${flags.profile} not found in ${config} or ${credentials}`);
  }
  const endpoint = flags.endpointUrl ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new CliError(`--endpoint-url: not a URL (got ${JSON.stringify(endpoint)})`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new CliError(
        `--endpoint-url: must start with http:// or https:// (got ${JSON.stringify(endpoint)})`,
      );
    }
  }
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const staticCredentials =
    flags.profile === undefined && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  const maxAttempts = maxAttemptsFrom(env.AWS_MAX_ATTEMPTS);
  const retryMode = retryModeFrom(env.AWS_RETRY_MODE);
  const timeouts = timeoutsFrom(flags, env);
  if ('error' in timeouts) throw new CliError(timeouts.error);
  const onCall = io.stderr === undefined ? undefined : logOf({ stderr: io.stderr }).callObserver;
  return {
    timeouts: timeouts.timeouts,
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(staticCredentials ? { credentials: staticCredentials } : {}),
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
    ...(retryMode === undefined ? {} : { retryMode }),
    ...(onCall === undefined ? {} : { onCall }),
  };
}

const RETRY_MODES = ['adaptive', 'standard'] as const;

/** `AWS_RETRY_MODE`, the SDKs' standard variable: `adaptive` (Keywarden's default) or `standard`. */
function retryModeFrom(raw: string | undefined): (typeof RETRY_MODES)[number] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const mode = RETRY_MODES.find((m) => m === raw);
  if (mode === undefined) {
    throw new CliError(`AWS_RETRY_MODE: adaptive or standard (got ${JSON.stringify(raw)})`);
  }
  return mode;
}

/**
 * `AWS_MAX_ATTEMPTS`, the SDKs' standard variable: attempts per call, the first included (1 to 20;
 * Keywarden's default is 5, with the adaptive retry mode).
 */
function maxAttemptsFrom(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 20) {
    throw new CliError(`AWS_MAX_ATTEMPTS: a whole number from 1 to 20 (got ${JSON.stringify(raw)})`);
  }
  return n;
}

/**
 * What a command that works with `connection` threw, as the CLI's one line (exit 2): the engine's
 * words ({@link failureLine}), which name the endpoint, profile and timeouts the user gave when AWS
 * could not be reached. A CliError is already the CLI's.
 */
export function awsFailure(error: unknown, connection: AwsConnection): CliError {
  if (error instanceof CliError) return error;
  return new CliError(failureLine(error, connection), 2, { cause: error });
}
