import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEMO_WORLD_PATH = fileURLToPath(new URL('../../worlds/demo.yaml', import.meta.url));

export const DEMO_POLICY_PATH = fileURLToPath(new URL('../../worlds/demo-policy.yaml', import.meta.url));

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
