/**
 * `keywarden forecast` end to end on the demo world. `--if-nobody-acts`: the forecast made on day 0
 * must be what `keywarden plan` says when the emulator's clock really is on each later day. For
 * each account, forecast once, then move the clock one day at a time and plan: the forecast's
 * actions of day D are exactly the plan's actions of day D that the plan of day D - 1 did not have.
 * The default view: the changes it forecasts are the changes `keywarden apply` really makes when
 * run once a day, on a second emulator. The policy is the demo policy with end dates added to two
 * exemptions, so exemptions also expire in the window.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEMO_POLICY_PATH, DEMO_WORLD_PATH } from '../../src/cli/paths.js';
import { actionAccessKeyId } from '../../src/core/actions/registry.js';
import type { Forecast } from '../../src/core/forecast.js';
import type { JournalRecord } from '../../src/core/journal/records.js';
import { type Action, changesAws, type Plan } from '../../src/core/plan/types.js';
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
  it.each(ACCOUNTS)('account %s: each day of --if-nobody-acts is what plan then adds', async (accountId) => {
    // Prepare
    emu.clock.set(FIXED_NOW);
    // Act
    const result = await cli(
      ['forecast', '--if-nobody-acts', '--days', String(DAYS), '--format', 'json'],
      accountId,
    );
    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    const forecast = JSON.parse(result.stdout) as Forecast;
    expect(forecast).toMatchObject({
      days: DAYS,
      generatedAt: FIXED_NOW.toISOString(),
      view: 'if-nobody-acts',
    });
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
    expect(table.stdout).toMatch(
      /^Forecast from 2026-11-22 over 7 days, if Keywarden runs daily as configured:[\s\S]*\d+ rotations/,
    );
    expect(table.stdout).toMatch(/^Assuming Keywarden runs once a day as configured/m);
    expect(table.stdout).toContain('2026-11-22 (today: due now)');
    // A journal-only note of a key first seen inactive, and its notice, are not labelled deletions
    expect(table.stdout).toMatch(/journal only +222222222222\/archived-integration \S+ note-inactive/);
    expect(table.stdout).toMatch(/notice +222222222222\/archived-integration \S+ notify \(inactive-seen\)/);
    const nobody = await cli(['forecast', '--days', '7', '--format', 'table', '--if-nobody-acts'], prod);
    expect(nobody.stdout).toMatch(/^Forecast from 2026-11-22 over 7 days, if nobody acts: /);
    expect(json).toMatchObject({ view: 'simulated' });
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

describe('keywarden forecast, default view, against keywarden apply run daily', () => {
  const PROD = '222222222222';
  let applyEmu: Emulator;
  let applyDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    applyEmu = await startTestEmulator({
      world: await loadWorldFile(DEMO_WORLD_PATH),
      credentialReport: { inProgressPolls: 0 },
      sts: { sessionsExpire: false },
    });
    applyDir = mkdtempSync(join(tmpdir(), 'kw-forecast-apply-'));
    const sts = new STSClient(clientConfig(applyEmu));
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${PROD}:role/KeywardenAuditRole`,
        RoleSessionName: 'forecast-apply-e2e',
      }),
    );
    sts.destroy();
    env = {
      AWS_ACCESS_KEY_ID: out.Credentials?.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: out.Credentials?.SecretAccessKey,
      AWS_SESSION_TOKEN: out.Credentials?.SessionToken,
    };
  });
  afterAll(() => applyEmu.stop());

  const run = (args: readonly string[]) =>
    runCli(
      [
        ...args,
        '--endpoint-url',
        applyEmu.url,
        '--config',
        policyPath,
        '--journal',
        join(applyDir, 'journal.jsonl'),
      ],
      { env, cwd: applyDir },
    );

  it('forecasts, day by day, the changes that daily apply runs make', async () => {
    // Prepare
    applyEmu.clock.set(FIXED_NOW);
    const result = await run(['forecast', '--days', String(DAYS), '--format', 'json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const forecast = JSON.parse(result.stdout) as Forecast;
    // Act: one apply a day, on the emulator's clock
    for (let day = 0; day <= DAYS; day++) {
      if (day > 0) applyEmu.clock.advance(1);
      const applied = await run(['apply', '--yes', '--format', 'json']);
      expect(applied.stderr).not.toMatch(/keywarden: error/i);
    }
    // Assess: the journal's done changes, by day, with a created key named as the forecast names it
    const records = readFileSync(join(applyDir, 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as JournalRecord);
    const intents = new Map<string, Action>();
    const simulatedName = new Map<string, string>();
    const done: string[] = [];
    for (const r of records) {
      if (r.type === 'intent') intents.set(`${r.runId}|${r.actionId}`, r.action as Action);
      if (r.type !== 'outcome' || r.status !== 'done') continue;
      const a = intents.get(`${r.runId}|${r.actionId}`);
      if (a === undefined || !changesAws(a)) continue;
      if (a.type === 'create-key' && r.newAccessKeyId !== undefined) {
        simulatedName.set(r.newAccessKeyId, `${a.replacesAccessKeyId}+1`);
      }
      const day = Math.floor((Date.parse(r.at) - FIXED_NOW.getTime()) / 86_400_000);
      const id = actionAccessKeyId(a);
      done.push(`${day} ${a.userName} ${a.type}/${a.stage} ${simulatedName.get(id ?? '') ?? id}`);
    }
    const forecastChanges = forecast.entries.flatMap((e) =>
      e.kind === 'action' && e.changesAws
        ? [`${e.day} ${e.userName} ${e.type}/${e.stage} ${e.accessKeyId}`]
        : [],
    );
    expect(done.length).toBeGreaterThan(3);
    expect(done.some((d) => d.includes('deactivate-key/deactivate'))).toBe(true);
    expect(forecastChanges.sort()).toEqual(done.sort());
  });
});
