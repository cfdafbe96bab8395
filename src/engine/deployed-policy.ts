/**
 * The policy as a Lambda deployment holds it: the SSM parameter KEYWARDEN_POLICY_PARAMETER (read
 * with Powertools Parameters, decrypted, and cached across warm invocations), else the file
 * KEYWARDEN_POLICY_FILE, else the defaults. Parsed and resolved by the same code as the CLI's.
 */
import { readFile } from 'node:fs/promises';
import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ENV } from '../core/deployment.js';
import { parsePolicyFile, resolvePolicy } from '../core/policy/resolve.js';
import type { PolicyInput } from '../core/policy/schema.js';
import type { Policy } from '../core/policy/types.js';
import { callAws } from '../sdk/errors.js';
import { HandlerConfigError } from './errors.js';

/**
 * How long a warm container keeps the policy parameter it read, in seconds: a new policy takes
 * effect within five minutes, and a burst of Config rule or remediation invocations reads SSM once.
 * POWERTOOLS_PARAMETERS_MAX_AGE (Powertools' own variable) overrides it; 0 reads it every time.
 */
const POLICY_CACHE_SECONDS = 300;

/** The variable that overrides {@link POLICY_CACHE_SECONDS}. */
const MAX_AGE_VARIABLE = 'POWERTOOLS_PARAMETERS_MAX_AGE';

/** The policy as deployed, before a Config rule's parameters are layered on it. */
export interface PolicySource {
  readonly file: PolicyInput | undefined;
  /** Names the source in messages: `ssm:NAME`, the file path, or `default policy`. */
  readonly name: string;
  readonly warnings: readonly string[];
}

/** Reads the deployed policy; one per Lambda container, so its cache outlives an invocation. */
export interface DeployedPolicy {
  read(env: NodeJS.ProcessEnv): Promise<PolicySource>;
}

/** The reader over `ssm`, the connection's own client (so the emulator's endpoint applies to it too). */
export function deployedPolicy(ssm: SSMClient): DeployedPolicy {
  const parameters = new SSMProvider({ awsSdkV3Client: ssm });
  return {
    async read(env) {
      const parameter = env[ENV.policyParameter];
      const path = env[ENV.policyFile];
      let text: string;
      let name: string;
      if (parameter) {
        name = `ssm:${parameter}`;
        const maxAge = cacheSeconds(env);
        text = await callAws('ssm:GetParameter', `${parameter} (${ENV.policyParameter})`, async () => {
          try {
            return (await parameters.get(parameter, { decrypt: true, maxAge })) ?? '';
          } catch (error) {
            // Powertools wraps the SDK's error; the SDK's carries the AWS error code.
            throw error instanceof GetParameterError && error.cause !== undefined ? error.cause : error;
          }
        });
      } else if (path) {
        name = path;
        try {
          text = await readFile(path, 'utf8');
        } catch (error) {
          throw new HandlerConfigError(
            `${ENV.policyFile}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          );
        }
      } else {
        return { file: undefined, name: 'default policy', warnings: [] };
      }
      const parsed = parsePolicyFile(text, name);
      if (parsed.value === null)
        throw policyError(parsed.errors, parameter ? ENV.policyParameter : ENV.policyFile);
      return { file: parsed.value, name, warnings: parsed.warnings };
    },
  };
}

function cacheSeconds(env: NodeJS.ProcessEnv): number {
  const raw = env[MAX_AGE_VARIABLE];
  if (raw === undefined || raw === '') return POLICY_CACHE_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new HandlerConfigError(
      `${MAX_AGE_VARIABLE}: a whole number of seconds, 0 or more (got ${JSON.stringify(raw)})`,
    );
  }
  return seconds;
}

/** `errors` as one line: the first, and how many more. */
function policyError(errors: readonly string[], variable: string): HandlerConfigError {
  const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
  return new HandlerConfigError(`${variable}: invalid policy: ${errors[0] ?? 'unknown error'}${more}`);
}

/** The deployed policy resolved as-is (the scheduled, remediate and organization handlers). */
export function resolveSource(source: PolicySource): {
  readonly policy: Policy;
  readonly warnings: string[];
} {
  const resolved = resolvePolicy({ file: source.file, sourceName: source.name });
  if (resolved.value === null) throw policyError(resolved.errors, source.name);
  return { policy: resolved.value, warnings: [...source.warnings, ...resolved.warnings] };
}
