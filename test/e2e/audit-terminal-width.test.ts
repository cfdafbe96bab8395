/**
 * The audit table fits the terminal (issue 18, item 12): `audit --org` of the demo organization at
 * 80 and 200 columns, on a terminal and through a pipe with COLUMNS. Every line is at most the width
 * (colors take no columns), no word is split (the words read in order are those of an unfitted
 * table), and every finding's user is named.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_POLICY_PATH, DEMO_WORLD_PATH } from '../../src/cli/paths.js';
import type { Emulator } from '../../src/emulator/server.js';
import { loadWorldFile } from '../../src/emulator/world.js';
import { type CliRunOptions, runCli } from '../support/cli.js';
import { MANAGEMENT_ENV, ROLE } from '../support/demo-organization.js';
import { FIXED_NOW, startTestEmulator } from '../support/emulator.js';
import { stripAnsi, visibleWidth } from '../support/terminal.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator({
    world: await loadWorldFile(DEMO_WORLD_PATH),
    credentialReport: { inProgressPolls: 0 },
  });
});
afterAll(() => emu.stop());

function audit(args: readonly string[], options: CliRunOptions = {}) {
  return runCli(
    [
      'audit',
      '--org',
      ...ROLE,
      '--config',
      DEMO_POLICY_PATH,
      '--fail-on',
      'none',
      '--endpoint-url',
      emu.url,
      '--now',
      FIXED_NOW.toISOString(),
      ...args,
    ],
    { ...options, env: { ...MANAGEMENT_ENV, ...options.env } },
  );
}

const words = (text: string) => stripAnsi(text).split(/\s+/).filter(Boolean);

describe('the audit table at the terminal width', () => {
  let unfitted: string;
  let users: string[];
  beforeAll(async () => {
    unfitted = (await audit([], { tty: true, columns: 1000 })).stdout;
    const csv = await audit(['--format', 'csv']);
    users = [
      ...new Set((parse(csv.stdout, { columns: true }) as { userName: string }[]).map((r) => r.userName)),
    ];
  });

  it('the unfitted table has long rows, so fitting has work to do', () => {
    expect(
      Math.max(
        ...stripAnsi(unfitted)
          .split('\n')
          .map((l) => l.length),
      ),
    ).toBeGreaterThan(100);
    expect(users.length).toBeGreaterThan(20);
  });

  it.each([
    { columns: 80, how: 'terminal', options: { tty: true, columns: 80 }, args: [] },
    { columns: 200, how: 'terminal', options: { tty: true, columns: 200 }, args: [] },
    {
      columns: 80,
      how: 'pipe with COLUMNS',
      options: { env: { COLUMNS: '80' } },
      args: ['--format', 'table'],
    },
  ])('$columns columns ($how)', async ({ columns, options, args }) => {
    // Act
    const result = await audit(args, options);
    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    for (const line of lines) expect(visibleWidth(line), line).toBeLessThanOrEqual(columns);
    expect(words(result.stdout)).toEqual(words(unfitted));
    for (const user of users) expect(result.stdout).toContain(user);
    expect(lines.some((line) => /^\d+ users · /.test(line))).toBe(true);
  });

  it('at 80 columns each finding takes two lines, its dates under the rule; at 200 one', async () => {
    const narrow = stripAnsi((await audit([], { tty: true, columns: 80 })).stdout).split('\n');
    const wide = stripAnsi((await audit([], { tty: true, columns: 200 })).stdout).split('\n');
    const root = (lines: string[]) => lines.slice(lines.findIndex((l) => l.includes('CRITICAL')))[0] ?? '';
    expect(root(narrow)).toMatch(/^ {4}CRITICAL {2}ROOT_ACCESS_KEY +key slot 1$/);
    expect(narrow[narrow.findIndex((l) => l.includes('CRITICAL')) + 1]).toMatch(
      /^ {14}age \d+d +last used \d+d ago$/,
    );
    expect(root(wide)).toMatch(/^ {4}CRITICAL {2}ROOT_ACCESS_KEY +key slot 1 +age \d+d +last used \d+d ago$/);
  });
});
