/** Finds, reads and resolves the policy for a command: file (`--config` or ./keywarden.yaml), preset, flags. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { type PolicyOverrides, parsePolicyFile, resolvePolicy } from '../core/policy/resolve.js';
import type { PolicyInput } from '../core/policy/schema.js';
import type { Policy } from '../core/policy/types.js';
import { CliError, firstOf } from './errors.js';

export const DEFAULT_POLICY_FILES = ['keywarden.yaml', 'keywarden.yml'];

export interface LoadPolicyArgs {
  readonly cwd: string;
  readonly config?: string;
  readonly preset?: string;
  readonly overrides?: PolicyOverrides;
}

export interface LoadedPolicy {
  readonly policy: Policy;
  /** The file used, or null when running on the preset/defaults alone. */
  readonly source: string | null;
  /** Its absolute path (relative paths in it, the journal's, are read from its directory). */
  readonly path: string | null;
  readonly warnings: readonly string[];
}

/** Throws a CliError (exit 2) with the first problem on one line; later problems are counted. */
export function loadPolicy(args: LoadPolicyArgs): LoadedPolicy {
  let path: string | null = null;
  if (args.config !== undefined) {
    path = resolve(args.cwd, args.config);
    if (!existsSync(path)) throw new CliError(`--config: policy file not found: ${args.config}`);
  } else {
    path = DEFAULT_POLICY_FILES.map((f) => resolve(args.cwd, f)).find((p) => existsSync(p)) ?? null;
  }
  let file: PolicyInput | undefined;
  const warnings: string[] = [];
  const source = path ? (args.config ?? basename(path)) : null;
  if (path !== null) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new CliError(
        `cannot read policy file ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    const parsed = parsePolicyFile(text, source ?? 'policy');
    warnings.push(...parsed.warnings);
    if (parsed.value === null) throw policyError(parsed.errors);
    file = parsed.value;
  }
  const resolved = resolvePolicy({
    file,
    preset: args.preset,
    overrides: args.overrides,
    sourceName: source ?? 'policy',
  });
  warnings.push(...resolved.warnings);
  if (resolved.value === null) throw policyError(resolved.errors);
  return { policy: resolved.value, source, path, warnings };
}

function policyError(errors: readonly string[]): CliError {
  return firstOf(errors, 'invalid policy');
}
