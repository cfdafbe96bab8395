/**
 * `npm run build:lambda`: each handler bundled by esbuild into its own ES module, which plain Node
 * (no tsx, no node_modules beside it) loads and runs against the emulator with the environment a
 * Lambda function gets: AWS_REGION, credentials, AWS_ENDPOINT_URL and Keywarden's own variables.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleLambdas, LAMBDA_HANDLERS } from '../../scripts/bundle-lambdas.js';
import type { ScheduledSummary } from '../../src/engine/account-lifecycle.js';
import type { RemediateSummary } from '../../src/engine/config-remediation.js';
import type { ConfigRuleSummary } from '../../src/engine/config-rule-run.js';
import { runProcess } from '../support/cli.js';
import { FIXED_NOW, useEmulator } from '../support/emulator.js';
import { emptyDir, processEnv } from '../support/env.js';
import { eventBridgeScheduledEvent, scheduledEvent } from '../support/lambda.js';

const ACCOUNT = '111111111111';
/** Imports a bundle as Lambda's runtime does, calls `handler`, prints the result last. */
const RUNNER = `
const [bundle, eventJson] = process.argv.slice(2);
const { handler } = await import(bundle);
const result = await handler(JSON.parse(eventJson), { awsRequestId: 'bundle-test', functionName: 'kw' });
process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');
`;

describe('the Lambda bundles', () => {
  const emu = useEmulator({
    world: {
      accounts: [
        {
          id: ACCOUNT,
          users: [
            { name: 'alice', accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 1 }] },
            { name: 'bob', accessKeys: [{ createdDaysAgo: 5, lastUsedDaysAgo: 1 }] },
          ],
        },
      ],
    },
  });
  let outDir: string;
  let runner: string;

  beforeAll(async () => {
    outDir = join(emptyDir('bundle-'), 'dist-lambda');
    await bundleLambdas(outDir);
    runner = join(outDir, 'run.mjs');
    writeFileSync(runner, RUNNER);
  }, 120_000);

  async function run<T>(name: string, event: unknown, env: NodeJS.ProcessEnv = {}) {
    const result = await runProcess(
      process.execPath,
      [runner, join(outDir, name, 'index.mjs'), JSON.stringify(event)],
      {
        cwd: outDir,
        env: processEnv({
          AWS_ENDPOINT_URL: emu.current.url,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'AKIDLAMBDAROLE',
          AWS_SECRET_ACCESS_KEY: 'lambda-secret',
          ...env,
        }),
      },
    );
    const lines = result.stdout.split('\n').filter((l) => l !== '');
    const last = lines.at(-1) ?? '';
    if (result.exitCode !== 0 || !last.startsWith('RESULT ')) {
      throw new Error(`${name} bundle exited ${result.exitCode}:\n${result.stderr}${result.stdout}`);
    }
    return { result: JSON.parse(last.slice('RESULT '.length)) as T, logs: lines.slice(0, -1) };
  }

  it('writes one ES module per handler', () => {
    for (const name of LAMBDA_HANDLERS) expect(existsSync(join(outDir, name, 'index.mjs'))).toBe(true);
  });

  it('config-rule: loads, judges the account and delivers the evaluations, logging JSON lines', async () => {
    const { result, logs } = await run<ConfigRuleSummary>('config-rule', scheduledEvent(FIXED_NOW));

    expect(result.compliance).toEqual({ COMPLIANT: 1, NON_COMPLIANT: 1, NOT_APPLICABLE: 0 });
    expect(emu.current.state.accounts.get(ACCOUNT)!.config.evaluationCalls).toHaveLength(1);
    expect(logs.map((l) => (JSON.parse(l) as { service: string }).service)).toContain('keywarden');
  });

  it('remediate: loads and answers for an id no user has', async () => {
    const { result } = await run<RemediateSummary>(
      'remediate',
      { ResourceId: 'AIDANOSUCHUSER0000001' },
      { KEYWARDEN_JOURNAL: join(outDir, 'journal.jsonl') },
    );

    expect(result).toMatchObject({ found: false });
  });

  it('scheduled: loads and runs the lifecycle with the journal', async () => {
    const journal = join(outDir, 'journal.jsonl');

    const { result } = await run<ScheduledSummary>('scheduled', eventBridgeScheduledEvent(FIXED_NOW), {
      KEYWARDEN_JOURNAL: journal,
    });

    expect(result).toMatchObject({ handler: 'scheduled', journal });
    expect(result.results.failed).toBe(0);
    expect(existsSync(journal)).toBe(true);
  });
});
