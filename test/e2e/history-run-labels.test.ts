/**
 * `history` names each run by what started it: a scheduled Lambda run is `scheduled` and an AWS
 * Config remediation `remediate`, though both finish interrupted runs first (as `apply --resume`
 * does); `resume` is only a run that finished an interrupted one.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HistoryRow } from '../../src/core/journal/views.js';
import type { World } from '../../src/emulator/world-types.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { emptyDir } from '../support/env.js';

const ACCOUNT = '123456789012';
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        {
          name: 'app',
          accessKeys: [{ id: 'AKIAAPPUNUSED0000001', createdDaysAgo: 200, lastUsedDaysAgo: 'never' }],
        },
        {
          name: 'batch',
          accessKeys: [{ id: 'AKIABATCHUNUSED00001', createdDaysAgo: 200, lastUsedDaysAgo: 120 }],
        },
      ],
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' };

const emu = useEmulator({ world: WORLD });

describe('history labels', () => {
  it('a run of the remediate handler is (remediate), one of the scheduled handler (scheduled)', async () => {
    // Prepare
    const journal = join(emptyDir('labels-'), 'journal.jsonl');
    const cli = (args: readonly string[], stdin?: string) =>
      runCli([...args, '--journal', journal, '--endpoint-url', emu.current.url], {
        env: ENV,
        ...(stdin === undefined ? {} : { stdin }),
      });
    const appId = emu.current.state.accounts.get(ACCOUNT)?.iam.users.get('app')?.userId;

    // Act: AWS Config remediates app; the next scheduled run revokes batch's unused key.
    const remediated = await cli(
      ['invoke', 'remediate', '--event', '-'],
      JSON.stringify({ ResourceId: appId }),
    );
    const scheduled = await cli([
      'invoke',
      'scheduled',
      '--event',
      join(REPO_ROOT, 'docs/events/scheduled.json'),
    ]);
    const rows = await cli(['history', '--format', 'json']);
    const table = await cli(['history']);

    // Assess
    expect(remediated.exitCode, remediated.stderr).toBe(0);
    expect(scheduled.exitCode, scheduled.stderr).toBe(0);
    const runs = new Map((JSON.parse(rows.stdout) as HistoryRow[]).map((r) => [r.runId, r.command]));
    // Each invoke sets its clock from the emulator's frozen one: the runs are milliseconds apart, in either order.
    expect([...runs.values()].sort()).toEqual(['remediate', 'scheduled']);
    expect(table.stdout).toMatch(/\(remediate\)/);
    expect(table.stdout).toMatch(/\(scheduled\)/);
    expect(table.stdout).not.toMatch(/\(resume\)/);
  });
});
