/**
 * Vitest setup file, run in each test worker before its test file: the AWS SDK's default credential
 * chain in this process reads `process.env` (AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_CONFIG_FILE, ...)
 * and ~/.aws, so every AWS_* variable of the caller goes and HOME becomes an empty folder. The tests
 * pass with and without AWS variables set by whoever runs them.
 */
import { emptyDir, homeEnv, SUITE_ENV } from './env.js';

for (const name of Object.keys(process.env)) {
  if (name.startsWith('AWS_')) delete process.env[name];
}
Object.assign(process.env, homeEnv(emptyDir('home-')), SUITE_ENV);
