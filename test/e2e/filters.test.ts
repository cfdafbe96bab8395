/**
 * `--rule`, `--severity` and `--user` on audit, plan and forecast, through the CLI (in-process)
 * against the emulator: what each keeps, what the summary says was left out, --fail-on on the kept
 * findings, and bad values refused in one line before any AWS call.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit-report.js';
import type { Forecast } from '../../src/core/forecast.js';
import type { Plan } from '../../src/core/plan/types.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { FIXED_NOW, useEmulator } from '../support/emulator.js';

const ACCOUNT = '666666666666';
/** ci-build: a key to rotate (medium); ci-deploy: an unused old key (medium); alice: two active keys (low). */
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        { name: 'ci-build', accessKeys: [{ createdDaysAgo: 120, lastUsedDaysAgo: 1 }] },
        { name: 'ci-deploy', accessKeys: [{ createdDaysAgo: 200, lastUsedDaysAgo: 'never' }] },
        {
          name: 'alice',
          accessKeys: [
            { createdDaysAgo: 10, lastUsedDaysAgo: 1 },
            { createdDaysAgo: 5, lastUsedDaysAgo: 1 },
          ],
        },
      ],
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDFILTERS', AWS_SECRET_ACCESS_KEY: 'x' };

const emu = useEmulator({ world: WORLD, credentialReport: { inProgressPolls: 0 } });
const cwd = mkdtempSync(join(tmpdir(), 'kw-filters-'));

function keywarden(args: readonly string[]) {
  return runCli(
    [
      ...args,
      '--endpoint-url',
      emu.current.url,
      '--now',
      FIXED_NOW.toISOString(),
      '--journal',
      join(cwd, 'journal.jsonl'),
    ],
    { env: ENV, cwd },
  );
}

async function auditJson(args: readonly string[]): Promise<AuditReport> {
  const result = await keywarden(['audit', '-f', 'json', '--fail-on', 'none', ...args]);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as AuditReport;
}

describe('audit filters', () => {
  it('--severity medium leaves the low finding out, counts it in filter and says so on stderr', async () => {
    const all = await auditJson([]);
    const result = await keywarden(['audit', '-f', 'json', '--fail-on', 'none', '--severity', 'medium']);
    const filtered = JSON.parse(result.stdout) as AuditReport;
    const low = all.findings.filter((f) => f.severity === 'low');
    expect(low.map((f) => f.rule)).toEqual(['MULTIPLE_ACTIVE_KEYS']);
    expect(filtered.findings).toEqual(all.findings.filter((f) => f.severity !== 'low'));
    expect(filtered.summary.findings).toBe(all.summary.findings - 1);
    expect(filtered.summary.users).toBe(all.summary.users);
    expect(filtered.filter).toEqual({
      rules: [],
      severity: 'medium',
      users: [],
      filteredOut: { findings: 1, open: 1 },
    });
    expect(result.stderr).toContain('keywarden: 1 finding filtered out by --severity medium');
  });

  it('--user glob and --rule (repeatable, comma-separated) keep what matches both', async () => {
    const report = await auditJson(['--user', 'ci-*', '--rule', 'UNUSED_CREDENTIALS,KEY_ROTATION']);
    expect(new Set(report.findings.map((f) => f.userName))).toEqual(new Set(['ci-build', 'ci-deploy']));
    const only = await auditJson(['--user', 'CI-DEPLOY', '--rule', 'UNUSED_CREDENTIALS']);
    expect(only.findings.map((f) => `${f.userName} ${f.rule}`)).toEqual(['ci-deploy UNUSED_CREDENTIALS']);
    expect(only.filter?.users).toEqual(['CI-DEPLOY']);
  });

  it('the table says what was filtered out', async () => {
    const result = await keywarden(['audit', '-f', 'table', '--fail-on', 'none', '--user', 'alice']);
    expect(result.stdout).toMatch(/\d+ findings filtered out by --user alice \(\d+ open\)\n$/);
    expect(result.stdout).not.toContain('ci-build');
  });

  it('--fail-on judges the kept findings only', async () => {
    // alice's only finding is low: --fail-on any fails; filtered to ci-* at high, nothing is left.
    expect((await keywarden(['audit', '-f', 'json', '--user', 'alice'])).exitCode).toBe(1);
    expect(
      (await keywarden(['audit', '-f', 'json', '--user', 'alice', '--severity', 'medium'])).exitCode,
    ).toBe(0);
  });
});

describe('plan and forecast filters', () => {
  it('plan --user shows whole chains of that user only, with a filter block', async () => {
    const all = JSON.parse((await keywarden(['plan', '-f', 'json'])).stdout) as Plan;
    const result = await keywarden(['plan', '-f', 'json', '--user', 'ci-build']);
    expect(result.exitCode, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as Plan & { filter: { filteredOut: { actions: number } } };
    expect(plan.actions.length).toBeGreaterThan(0);
    expect(plan.actions).toEqual(all.actions.filter((a) => a.userName === 'ci-build'));
    expect(plan.filter.filteredOut.actions).toBe(all.actions.length - plan.actions.length);
    expect(
      (JSON.parse((await keywarden(['plan', '-f', 'json'])).stdout) as { filter: null }).filter,
    ).toBeNull();
  });

  it('plan table ends with what was filtered out', async () => {
    const result = await keywarden(['plan', '-f', 'table', '--rule', 'UNUSED_CREDENTIALS']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\d+ actions.* filtered out by --rule UNUSED_CREDENTIALS\n$/);
  });

  it('forecast --user keeps that user entries and counts the rest', async () => {
    const all = JSON.parse((await keywarden(['forecast', '-f', 'json'])).stdout) as Forecast;
    const result = await keywarden(['forecast', '-f', 'json', '--user', 'ci-deploy']);
    const forecast = JSON.parse(result.stdout) as Forecast & { filter: { filteredOut: { entries: number } } };
    expect(forecast.entries.length).toBeGreaterThan(0);
    expect(forecast.entries).toEqual(all.entries.filter((e) => e.userName === 'ci-deploy'));
    expect(forecast.filter.filteredOut.entries).toBe(all.entries.length - forecast.entries.length);
  });
});

describe('bad filters and output paths: one line, exit 2, no AWS call', () => {
  it.each([
    [
      ['--rule', 'KEY_ROTATON'],
      /^keywarden: --rule: must be one of KEY_ROTATION, UNUSED_CREDENTIALS, .* \(got "KEY_ROTATON"\)$/,
    ],
    [
      ['--severity', 'severe'],
      /^keywarden: --severity: must be one of critical, high, medium, low \(got "severe"\)$/,
    ],
    [['--user', ''], /^keywarden: --user: must be a user name or glob/],
    [
      ['--output', 'json'],
      /^keywarden: --output: takes a file path, and "json" is a format's name: did you mean --format json\?$/,
    ],
    [['-o', 'plan.txt'], /^keywarden: --output: Keywarden does not know the extension "\.txt"/],
  ])('%j', async (args, message) => {
    for (const command of ['audit', 'plan', 'forecast']) {
      emu.current.faults.resetCounts();
      const result = await keywarden([command, ...args]);
      expect(result.exitCode, `${command} ${result.stderr}`).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
      expect(emu.current.faults.count(), command).toBe(0);
    }
  });

  it('audit --to-security-hub with a filter is refused: it would archive what the filter leaves out', async () => {
    emu.current.faults.resetCounts();
    const result = await keywarden(['audit', '--to-security-hub', '--severity', 'high']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /^keywarden: --to-security-hub: not with --severity high \(Security Hub would archive/,
    );
    expect(emu.current.faults.count()).toBe(0);
  });
});

describe('-f on the other commands that take --format', () => {
  it('history -f json and apply -f json (a dry run) answer in JSON', async () => {
    const history = await runCli(['history', '-f', 'json', '--journal', join(cwd, 'journal.jsonl')], {
      env: ENV,
      cwd,
    });
    expect(history.exitCode, history.stderr).toBe(0);
    expect(() => JSON.parse(history.stdout) as unknown).not.toThrow();
    const apply = await runCli(
      ['apply', '-f', 'json', '--endpoint-url', emu.current.url, '--journal', join(cwd, 'journal.jsonl')],
      { env: ENV, cwd },
    );
    expect(apply.stderr).not.toMatch(/unknown option/);
    expect(() => JSON.parse(apply.stdout) as unknown).not.toThrow();
  });
});
