/**
 * Test support: hermetic environments. Nothing a test runs may see the caller's AWS configuration
 * (AWS_* variables, profiles, ~/.aws), or it would sign with the caller's keys, read a profile that
 * does not exist here, or reach for EC2's metadata service. The vitest worker is made hermetic by
 * `hermetic-env.ts`; every process a test starts gets `processEnv()`.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

/** The only variables the suite sets for everything it runs. A test that needs more sets them itself. */
export const SUITE_ENV = {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
} as const;

/** What a child process keeps of ours: how to find node, aws and python3 (a pyenv shim), and the locale. */
const PASSED_THROUGH = ['PATH', 'PYENV_ROOT', 'LANG', 'LC_ALL', 'TMPDIR', 'SYSTEMROOT'] as const;

/** The variables of this process among `names` that are set. */
function ours(names: readonly string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(
    names.flatMap((name) => (name in process.env ? [[name, process.env[name]]] : [])),
  );
}

/** A new empty folder (a HOME, a working directory) inside the run's temporary folder, removed after the run. */
export function emptyDir(prefix = 'dir-'): string {
  return mkdtempSync(join(inject('testRoot'), prefix));
}

/** HOME, and the AWS config and credentials files (absent) inside it. */
export function homeEnv(home: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    USERPROFILE: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
  };
}

/**
 * The whole environment for a process a test starts: PATH and the locale from ours, its own empty
 * HOME, no AWS configuration, then `extra` (the test's own variables).
 */
export function processEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...ours(PASSED_THROUGH), ...homeEnv(emptyDir('home-')), ...SUITE_ENV, ...extra };
}

/** What npm may need of ours to reach the registry: a proxy, a CA, a registry mirror. */
const NPM_PASSED_THROUGH = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'npm_config_registry',
] as const;

/**
 * `processEnv()` for npm: the caller's npm cache and user config (~/.npmrc), so that installing the
 * packed tarball resolves its dependencies from the cache `npm ci` filled.
 */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return processEnv({
    ...ours(NPM_PASSED_THROUGH),
    npm_config_cache: inject('npmCache'),
    npm_config_userconfig: inject('npmUserConfig'),
    ...extra,
  });
}
