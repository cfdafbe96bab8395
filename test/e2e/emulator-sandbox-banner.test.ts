/**
 * `keywarden sandbox`'s banner is a recipe: the variables it prints, and nothing else from the
 * environment, are enough for the AWS CLI v1 (which reads only AWS_DEFAULT_REGION for the region).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, spawnCli, waitForOutput } from '../support/cli.js';

let sandbox: ChildProcess;
let banner = '';

beforeAll(async () => {
  sandbox = spawnCli(['sandbox', '--port', '0']);
  banner = (await waitForOutput(sandbox, /Keywarden sandbox[\s\S]*Press Ctrl\+C to stop\./))[0];
}, 30_000);

afterAll(async () => {
  if (sandbox.exitCode === null) {
    const exited = new Promise((resolve) => sandbox.once('exit', resolve));
    sandbox.kill('SIGINT');
    await exited;
  }
});

/** `export A=1 B=2` lines of the banner as an environment. */
function exportedVariables(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*export (.+)$/.exec(line);
    for (const pair of m?.[1]?.split(/\s+/) ?? []) {
      const [name = '', ...value] = pair.split('=');
      env[name] = value.join('=');
    }
  }
  return env;
}

describe('keywarden sandbox banner', () => {
  it('prints both region variables', () => {
    expect(exportedVariables(banner)).toMatchObject({
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_ENDPOINT_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
  });

  it('is all the AWS CLI needs: no flags, no other AWS variables', async () => {
    // Prepare: no AWS variable from this process, no user config.
    const home = mkdtempSync(join(tmpdir(), 'kw-banner-home-'));
    const clean = Object.fromEntries(
      Object.keys(process.env)
        .filter((k) => k.startsWith('AWS_'))
        .map((k) => [k, undefined]),
    );
    // Act
    const result = await runProcess('aws', ['sts', 'get-caller-identity', '--output', 'json'], {
      env: {
        ...clean,
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_PAGER: '',
        ...exportedVariables(banner),
      },
    });
    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ Account: '111111111111' });
  });

  it('points at an admin index that answers', async () => {
    const url = /listed at (http:\/\/\S+\/_keywarden\/)/.exec(banner)?.[1] ?? '';
    const res = await fetch(url);

    expect(res.status).toBe(200);
    expect(((await res.json()) as { routes: unknown[] }).routes.length).toBeGreaterThan(5);
  });
});
