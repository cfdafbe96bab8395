/** Keywarden's own rotation does not fail the audit while its switch-over window lasts. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit-report.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';

const WORLD: World = {
  accounts: [
    {
      id: '123456789012',
      users: [
        {
          name: 'ci',
          accessKeys: [{ id: 'AKIACIOLD00000000001', createdDaysAgo: 10, lastUsedDaysAgo: 0.1 }],
        },
      ],
    },
  ],
};

let emu: Emulator;
const home = mkdtempSync(join(tmpdir(), 'kw-home-'));
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x', HOME: home };
beforeAll(async () => {
  emu = await startTestEmulator({ world: WORLD, credentialReport: { inProgressPolls: 0 } });
});
afterAll(() => emu.stop());
const cli = (args: string[]) => runCli([...args, '--endpoint-url', emu.url], { env: ENV });

describe('audit during a rotation Keywarden made', () => {
  it('annotates the two active keys as a rotation in progress and passes --fail-on any', async () => {
    // Prepare: rotate now (default journal in the user's state directory).
    const rotated = await cli(['rotate', '--user', 'ci', '--yes']);
    expect(rotated.exitCode, rotated.stderr).toBe(0);

    // Act
    const audit = await cli(['audit', '--format', 'json', '--fail-on', 'any', '--inventory', 'live']);

    // Assess
    const report = JSON.parse(audit.stdout) as AuditReport;
    expect(audit.exitCode, audit.stderr).toBe(0);
    expect(report.findings.map((f) => [f.rule, f.rotationInProgress?.deactivateFrom?.slice(0, 10)])).toEqual([
      ['MULTIPLE_ACTIVE_KEYS', '2026-12-06'],
    ]);
    expect(report.summary).toMatchObject({ findings: 1, inProgress: 1, open: 0 });
  });

  it('fails again once the old key is due for deactivation and still active', async () => {
    emu.clock.advance(14 + 1 / 24);
    const audit = await cli(['audit', '--format', 'json', '--fail-on', 'any', '--inventory', 'live']);
    expect(audit.exitCode).toBe(1);
    expect((JSON.parse(audit.stdout) as AuditReport).summary).toMatchObject({ inProgress: 0, open: 1 });
  });
});
