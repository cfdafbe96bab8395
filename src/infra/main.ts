/**
 * The entry the CDK CLI runs (`cdk --app "node dist/infra/main.js"`, as `keywarden deploy` and
 * cdk.json do). The policy file comes from the context value `keywarden:config` (an absolute
 * path); without it the default policy is used. `keywarden:access-keys-rotated-remediation`
 * chooses KeywardenAwsNative's remedy for ACCESS_KEYS_ROTATED (`notify` without it).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  ACCESS_KEYS_ROTATED_CONTEXT_KEY,
  ACCESS_KEYS_ROTATED_REMEDIATIONS,
  type AccessKeysRotatedRemediation,
} from '../core/deployment.js';
import { parsePolicy } from '../core/policy/resolve.js';
import { DEFAULT_POLICY } from '../core/policy/types.js';
import { synthesizeApp } from './app.js';

/** The context key naming the policy file. */
export const CONFIG_CONTEXT_KEY = 'keywarden:config';
/** The context key naming where the policy came from (for descriptions): `keywarden deploy` sets it. */
export const SOURCE_CONTEXT_KEY = 'keywarden:source';

/** The context the CDK CLI passes, read the way every CDK app reads it (the probe is never synthesized). */
function contextValue(key: string): string | undefined {
  const value: unknown = new App({ autoSynth: false }).node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const remedy = contextValue(ACCESS_KEYS_ROTATED_CONTEXT_KEY);
if (remedy !== undefined && !(ACCESS_KEYS_ROTATED_REMEDIATIONS as readonly string[]).includes(remedy)) {
  throw new Error(
    `${ACCESS_KEYS_ROTATED_CONTEXT_KEY}: must be ${ACCESS_KEYS_ROTATED_REMEDIATIONS.join(' or ')} (got ${JSON.stringify(remedy)})`,
  );
}
const options =
  remedy === undefined ? {} : { accessKeysRotatedRemediation: remedy as AccessKeysRotatedRemediation };

const path = contextValue(CONFIG_CONTEXT_KEY);
if (path === undefined) {
  synthesizeApp({ policy: DEFAULT_POLICY, ...options });
} else {
  const source = contextValue(SOURCE_CONTEXT_KEY) ?? basename(path);
  const parsed = parsePolicy(readFileSync(path, 'utf8'), source);
  if (parsed.value === null) {
    throw new Error(`${CONFIG_CONTEXT_KEY}: invalid policy in ${path}: ${parsed.errors.join('; ')}`);
  }
  synthesizeApp({ policy: parsed.value, policySource: source, ...options });
}
