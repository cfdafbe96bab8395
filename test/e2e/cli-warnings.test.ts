/**
 * Warnings go to stderr, once, in every format; json keeps its `warnings` too. What the journal
 * warns about (a record a crash cut short) is said by every command that reads the journal, and an
 * audit that cannot read the journal at all says so the same way. A plan's table does not repeat
 * the warning that no channel will carry its notices.
 */
import { appendFileSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit-report.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { emptyDir } from '../support/env.js';

const ACCOUNT = '123456789012';
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        {
          name: 'batch',
          accessKeys: [{ id: 'AKIABATCHJOB00000001', createdDaysAgo: 200, lastUsedDaysAgo: 120 }],
        },
        { name: 'ci', accessKeys: [{ id: 'AKIACIDEPLOYER000001', createdDaysAgo: 30, lastUsedDaysAgo: 1 }] },
      ],
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x' };
/** A record cut short by a crash, followed by later records: read past, with a warning. */
const TORN = '{"v":1,"runId":"2026-11-22T12-00-00Z-cut","type":"inte\n';

const emu = useEmulator({ world: WORLD });
const dir = emptyDir('journal-warnings-');
const journal = join(dir, 'journal.jsonl');
let runId = '';

const cli = (args: readonly string[], journalPath = journal) =>
  runCli([...args, '--journal', journalPath, '--endpoint-url', emu.current.url], { env: ENV, cwd: dir });

/** The stderr lines that are warnings. */
const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('keywarden: warning: '));

beforeAll(async () => {
  // Prepare: a run revokes batch's unused key (something to undo), then a torn record.
  const applied = await cli(['apply', '--yes', '--format', 'json']);
  expect(applied.exitCode, applied.stderr).toBe(0);
  runId = (JSON.parse(applied.stdout) as { runId: string }).runId;
  appendFileSync(journal, TORN);
});

describe('a journal warning', () => {
  const line = () => `keywarden: warning: ${journal}: journal line`;

  it.each(
    [
      ['plan', '--format', 'table'],
      ['plan', '--format', 'json'],
      ['apply', '--format', 'table'],
      ['apply', '--format', 'json'],
      ['forecast', '--format', 'table'],
      ['forecast', '--format', 'json'],
      ['forecast', '--format', 'csv'],
      ['history', '--format', 'table'],
      ['history', '--format', 'json'],
      ['audit', '--format', 'table'],
      ['audit', '--format', 'json'],
      ['audit', '--format', 'csv'],
      ['audit', '--format', 'sarif'],
      ['rotate', '--user', 'ci'],
      ['undo', 'RUN'],
      ['plan', '--accounts', ACCOUNT, '--format', 'table'],
      ['plan', '--accounts', ACCOUNT, '--format', 'json'],
      ['apply', '--accounts', ACCOUNT, '--format', 'table'],
      ['audit', '--accounts', ACCOUNT, '--format', 'table'],
      ['audit', '--accounts', ACCOUNT, '--format', 'json'],
    ].map((args): [string, string[]] => [args.join(' '), args]),
  )('%s: once on stderr', async (_name, args) => {
    const result = await cli(args.map((a) => (a === 'RUN' ? runId : a)));

    expect(result.exitCode, result.stderr).toBeLessThan(2);
    expect(warnings(result.stderr).filter((w) => w.startsWith(line()))).toEqual([
      expect.stringMatching(/journal line \d+: incomplete record ignored/),
    ]);
  });

  it('audit --format json keeps it in warnings', async () => {
    const report = JSON.parse((await cli(['audit', '--format', 'json'])).stdout) as AuditReport;

    expect(report.warnings).toEqual([expect.stringContaining(`${journal}: journal line`)]);
  });

  it('an audit that cannot read the journal says so on stderr in every format', async () => {
    const broken = join(dir, 'broken.jsonl');
    copyFileSync(journal, broken);
    appendFileSync(broken, 'not a record\n');

    for (const format of ['table', 'json', 'csv']) {
      const result = await cli(['audit', '--format', format], broken);
      expect(warnings(result.stderr)).toEqual([
        expect.stringMatching(
          /^keywarden: warning: .*broken\.jsonl: journal line \d+: .*rotations in progress are not recognized$/,
        ),
      ]);
    }
  });
});

describe('plan on a terminal', () => {
  it('says once that no channel will carry its notices', async () => {
    const policy = join(dir, 'no-channel.yaml');
    writeFileSync(policy, 'version: 1\n');

    const result = await runCli(
      ['plan', '--config', policy, '--journal', join(dir, 'empty.jsonl'), '--endpoint-url', emu.current.url],
      { env: ENV, cwd: dir, tty: true },
    );

    expect(result.exitCode, result.stderr).toBe(0);
    const said = `${result.stdout}${result.stderr}`.match(/configures no notification channel/g);
    expect(said).toHaveLength(1);
    expect(result.stderr).toMatch(
      /notice\(s\) are planned but the policy configures no notification channel/,
    );
  });
});
