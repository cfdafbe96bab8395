/**
 * `keywarden forecast` end to end on the demo world: the forecast made on day 0 must be what
 * `keywarden plan` says when the emulator's clock really is on each later day. For each account,
 * forecast once, then move the clock one day at a time and plan: the forecast's actions of day D
 * are exactly the plan's actions of day D that the plan of day D - 1 did not have. The policy is the
 * demo policy with end dates added to two exemptions, so exemptions also expire in the window.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEMO_POLICY_PATH, DEMO_WORLD_PATH } from '../../src/cli/paths.js';
import type { Forecast } from '../../src/core/forecast.js';
import type { Plan } from '../../src/core/plan/types.js';
import type { Emulator } from '../../src/emulator/server.js';
import { loadWorldFile } from '../../src/emulator/world.js';
import { runCli } from '../support/cli.js';
import { clientConfig, FIXED_NOW, startTestEmulator } from '../support/emulator.js';

const ACCOUNTS = ['111111111111', '222222222222', '333333333333'] as const;
const DAYS = 21;
/** Inside the window: breakglass-* loses its exemption on day 10, /service-accounts/ on day 15. */
const BREAKGLASS_UNTIL = '2026-12-01';
const SERVICE_ACCOUNTS_UNTIL = '2026-12-06';

let emu: Emulator;
let dir: string;
let policyPath: string;
const envFor: Record<string, NodeJS.ProcessEnv> = {};

beforeAll(async () => {
  emu = await startTestEmulator({
    world: await loadWorldFile(DEMO_WORLD_PATH),
    credentialReport: { inProgressPolls: 0 },
    // One AssumeRole session per account serves the whole month the clock moves through.
    sts: { sessionsExpire: false },
  });
  dir = mkdtempSync(join(tmpdir(), 'kw-forecast-'));
  const policy = parse(readFileSync(DEMO_POLICY_PATH, 'utf8')) as {
    exemptions: { users: { until?: string }[]; paths: { until?: string }[] };
  };
  (policy.exemptions.users[0] as { until?: string }).until = BREAKGLASS_UNTIL;
  (policy.exemptions.paths[0] as { until?: string }).until = SERVICE_ACCOUNTS_UNTIL;
  policyPath = join(dir, 'keywarden.yaml');
  writeFileSync(policyPath, stringify(policy));
  const sts = new STSClient(clientConfig(emu));
  for (const accountId of ACCOUNTS) {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/KeywardenAuditRole`,
        RoleSessionName: 'forecast-e2e',
      }),
    );
    envFor[accountId] = {
      AWS_ACCESS_KEY_ID: out.Credentials?.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: out.Credentials?.SecretAccessKey,
      AWS_SESSION_TOKEN: out.Credentials?.SessionToken,
    };
  }
  sts.destroy();
});
afterAll(() => emu.stop());

function cli(args: readonly string[], accountId: string) {
  return runCli(
    [
      ...args,
      '--endpoint-url',
      emu.url,
      '--now',
      emu.clock.now().toISOString(),
      '--config',
      policyPath,
      '--journal',
      join(dir, 'journal.jsonl'),
    ],
    { env: envFor[accountId], cwd: dir },
  );
}

async function planIds(accountId: string): Promise<{ ids: Set<string>; skippedUsers: Set<string> }> {
  const result = await cli(['plan', '--format', 'json', '--max-actions', '10000'], accountId);
  expect(result.exitCode, result.stderr).toBe(0);
  const plan = JSON.parse(result.stdout) as Plan;
  return {
    ids: new Set([...plan.actions, ...plan.deferred].map((a) => a.id)),
    skippedUsers: new Set(plan.skipped.map((s) => s.userName)),
  };
}

describe('keywarden forecast on the demo world', () => {
  it.each(ACCOUNTS)('account %s: each day of the forecast is what plan then adds', async (accountId) => {
    // Prepare
    emu.clock.set(FIXED_NOW);
    // Act
    const result = await cli(['forecast', '--days', String(DAYS), '--format', 'json'], accountId);
    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    const forecast = JSON.parse(result.stdout) as Forecast;
    expect(forecast).toMatchObject({ days: DAYS, generatedAt: FIXED_NOW.toISOString() });
    let previous: Awaited<ReturnType<typeof planIds>> | null = null;
    for (let day = 0; day <= DAYS; day++) {
      if (day > 0) emu.clock.advance(1);
      const today = await planIds(accountId);
      const added = [...today.ids].filter((id) => previous === null || !previous.ids.has(id)).sort();
      const forecastDay = forecast.entries.filter((e) => e.day === day);
      const forecastIds = forecastDay.flatMap((e) => (e.kind === 'action' ? [e.actionId] : [])).sort();
      expect(forecastIds, `${accountId} day ${day}`).toEqual(added);
      // An exemption ending: the user was skipped as exempt yesterday, and is not any more today.
      for (const e of forecastDay) {
        if (e.kind !== 'exemption-expiry' || previous === null) continue;
        expect(previous.skippedUsers.has(e.userName), `${e.userName} exempt on day ${day - 1}`).toBe(true);
        expect(today.skippedUsers.has(e.userName), `${e.userName} exempt on day ${day}`).toBe(false);
      }
      previous = today;
    }
    if (accountId === '111111111111') {
      const ended = forecast.entries.filter((e) => e.kind === 'exemption-expiry');
      expect(ended.map((e) => `${e.day} ${e.userName}`)).toEqual(
        expect.arrayContaining(['10 breakglass-admin', '15 terraform-ci']),
      );
    }
  });

  it('writes the forecast as a table, CSV (inferred from the extension) and JSON', async () => {
    // Prepare
    emu.clock.set(FIXED_NOW);
    const prod = '222222222222';
    // Act
    const table = await cli(['forecast', '--days', '7', '--format', 'table'], prod);
    const csv = await cli(['forecast', '--days', '7', '--output', 'forecast.csv'], prod);
    const json = JSON.parse((await cli(['forecast', '--days', '7'], prod)).stdout) as Forecast;
    // Assess
    expect(table.stdout).toMatch(/^Forecast from 2026-11-22 over 7 days, if nobody acts: .*\d+ rotations/);
    expect(table.stdout).toContain('2026-11-22 (today: due now)');
    expect(csv.stderr).toContain('wrote csv forecast to forecast.csv');
    const rows = parseCsv(readFileSync(join(dir, 'forecast.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows).toHaveLength(json.entries.length);
    expect(rows[0]).toMatchObject({ day: '0', date: '2026-11-22' });
  });

  it.each([
    [['--days', '0'], '--days: must be an integer from 1 to 366 (got "0")'],
    [['--days', '367'], '--days: must be an integer from 1 to 366 (got "367")'],
    [['--days', 'ten'], '--days: must be an integer from 1 to 366 (got "ten")'],
    [['--format', 'html'], '--format: must be one of table, json, csv (got "html")'],
  ])('refuses %j with one line and exit 2, before any AWS call', async (args, message) => {
    // Act: an unreachable endpoint shows that nothing was called
    const result = await runCli(['forecast', ...args, '--endpoint-url', 'http://127.0.0.1:9'], {
      env: { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
      cwd: dir,
    });
    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`keywarden: ${message}\n`);
  });
});
