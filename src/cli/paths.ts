import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_WORLD_PATH = fileURLToPath(new URL('../../worlds/demo.yaml', import.meta.url));

export const DEMO_POLICY_PATH = fileURLToPath(new URL('../../worlds/demo-policy.yaml', import.meta.url));

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The CLI's entry point, for the processes it starts itself (`keywarden sandbox --detach`). */
export const BIN_PATH = fileURLToPath(new URL('../../bin/keywarden.js', import.meta.url));

/**
 * Keywarden's per-user state (the default journal, a detached sandbox's pid file and log):
 * `$XDG_STATE_HOME/keywarden`, else `~/.local/state/keywarden`, never the current directory.
 */
export function stateDirectory(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'keywarden');
}
