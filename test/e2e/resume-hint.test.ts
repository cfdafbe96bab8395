/**
 * The resume hint is the exact command: pasted as printed, from another directory and another
 * shell (another HOME, so another default journal), it finishes the interrupted run. And
 * `apply --resume` that finds nothing to resume changes nothing unless --yes says so.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli, spawnCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';

const ACCOUNT = '123456789012';
const USERS = ['ann', 'bob', 'cid'];
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: USERS.map((name) => ({ name, accessKeys: [{ createdDaysAgo: 200, lastUsedDaysAgo: 'never' }] })),
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x' };

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

/** Shell words as the hint writes them: plain, or in single quotes ('\'' for a quote). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replaceAll("'\\''", "'") : (m[2] ?? ''),
  );
}

describe('the resume hint after a stop signal', () => {
  it('names --yes, the journal, the policy and the connection; pasted elsewhere, it finishes the run', async () => {
    // Prepare: a policy by relative path, the default journal (in this process's own HOME).
    emu = await startTestEmulator({ world: WORLD });
    const dir = mkdtempSync(join(tmpdir(), 'kw-hint-'));
    writeFileSync(join(dir, 'policy yaml.yaml'), 'version: 1\nremediation: { maxActions: 10 }\n');
    const held = emu.faults.hold('iam', 'UpdateAccessKey');
    const child = spawnCli(
      [
        'apply',
        '--yes',
        '--config',
        'policy yaml.yaml',
        '--endpoint-url',
        emu.url,
        '--request-timeout',
        '20',
      ],
      { env: ENV, cwd: dir },
    );
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    await held.arrived;
    child.kill('SIGINT');
    await new Promise((resolve) => child.stderr?.once('data', resolve));
    held.release();
    expect(await closed).toBe(130);

    // Act: paste the printed command, from another directory with another HOME.
    const hint = /Finish with: (.+)$/m.exec(stderr)?.[1] ?? '';
    const [program, ...args] = shellWords(hint);
    const resumed = await runCli(args, { env: ENV, cwd: mkdtempSync(join(tmpdir(), 'kw-elsewhere-')) });

    // Assess
    expect(program).toBe('keywarden');
    expect(args.slice(0, 3)).toEqual(['apply', '--resume', '--yes']);
    expect(args).toContain('--journal');
    expect(args[args.indexOf('--config') + 1]).toBe(join(dir, 'policy yaml.yaml'));
    expect(args[args.indexOf('--endpoint-url') + 1]).toBe(emu.url);
    expect(args[args.indexOf('--request-timeout') + 1]).toBe('20');
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/recovered run\(s\) \S+/);
    expect(emu.faults.count('iam', 'UpdateAccessKey')).toBe(USERS.length);
  });
});

describe('apply --resume with nothing to resume', () => {
  it('says so and changes nothing, even when a person at the terminal would say yes', async () => {
    // Prepare
    emu = await startTestEmulator({ world: WORLD });
    const journal = join(mkdtempSync(join(tmpdir(), 'kw-noresume-')), 'journal.jsonl');
    const asked: string[] = [];

    // Act
    const result = await runCli(['apply', '--resume', '--endpoint-url', emu.url, '--journal', journal], {
      env: ENV,
      tty: true,
      confirm: async (question) => {
        asked.push(question);
        return true;
      },
    });

    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`keywarden: no interrupted run to resume in ${journal}`);
    expect(result.stderr).toContain('nothing to resume, so nothing changed');
    expect(asked).toEqual([]);
    expect(emu.faults.writeCalls()).toEqual([]);
  });

  it('with --yes it goes on to apply the plan, as asked', async () => {
    emu = await startTestEmulator({ world: WORLD });
    const journal = join(mkdtempSync(join(tmpdir(), 'kw-noresume-')), 'journal.jsonl');
    const result = await runCli(
      ['apply', '--resume', '--yes', '--endpoint-url', emu.url, '--journal', journal],
      {
        env: ENV,
      },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(emu.faults.count('iam', 'UpdateAccessKey')).toBe(USERS.length);
  });
});
