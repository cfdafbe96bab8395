/**
 * The global flags every command takes, before or after its name: `--no-color`, `--quiet`,
 * `--verbose` (one stderr line per AWS call: operation, account, region, duration, attempts; never
 * a parameter or a secret) and `--log-format json` (every stderr line one JSON object).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { newSession } from '../../src/cli/session.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { emptyDir } from '../support/env.js';

const ACCOUNT = '123456789012';
/** A second account, reached through a role assumed there. */
const MEMBER = '210987654321';
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        {
          name: 'batch',
          accessKeys: [{ id: 'AKIABATCHJOB00000001', createdDaysAgo: 200, lastUsedDaysAgo: 120 }],
        },
        { name: 'ci', accessKeys: [{ id: 'AKIACIDEPLOYER000001', createdDaysAgo: 120, lastUsedDaysAgo: 1 }] },
      ],
    },
    {
      id: MEMBER,
      roles: [{ name: 'OrganizationAccountAccessRole' }],
      users: [{ name: 'app', accessKeys: [{ id: 'AKIAMEMBERAPP0000001', createdDaysAgo: 10 }] }],
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'operator-secret' };
const GLOBAL_FLAGS = ['--no-color', '--quiet', '--verbose', '--log-format'];
/** `keywarden: aws iam:ListUsers account=… region=… 23 ms attempts=1` */
const CALL_LINE =
  /^keywarden: aws (\w+):(\w+) account=(\S+) region=(\S+) (\d+) ms attempts=(\d+)(?: retry-delay=\d+ ms)?(?: error=\S+)?$/;

const emu = useEmulator({ world: WORLD });
const dir = emptyDir('global-flags-');

const audit = (args: readonly string[], options: { tty?: boolean } = {}) =>
  runCli(['audit', '--endpoint-url', emu.current.url, '--journal', join(dir, 'journal.jsonl'), ...args], {
    env: ENV,
    cwd: dir,
    ...options,
  });

const callLines = (stderr: string) =>
  stderr
    .split('\n')
    .map((l) => CALL_LINE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);

/** Every command's path (`journal leases`), nested ones included. */
function commandPaths(command: Command, prefix: readonly string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

describe('the global flags are on every command', () => {
  const program = buildProgram(
    {
      stdout: process.stdout,
      stderr: process.stderr,
      env: {},
      cwd: dir,
      takeInterrupts: () => new Promise(() => {}),
    },
    newSession(),
    () => {},
  );
  const paths = commandPaths(program);

  it('finds the commands', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining(['audit', 'plan', 'apply', 'rotate']),
    );
  });

  it.each(paths.map((p) => [p.join(' '), p]))('%s --help lists them', async (_name, path) => {
    const result = await runCli([...path, '--help']);
    expect(result.exitCode).toBe(0);
    for (const flag of GLOBAL_FLAGS) expect(result.stdout).toContain(flag);
  });
});

describe('--verbose', () => {
  it('logs each AWS call with its operation, account, region, duration and attempts', async () => {
    const result = await audit(['--format', 'json', '--verbose']);

    expect(result.exitCode, result.stderr).toBeLessThan(2);
    const calls = callLines(result.stderr);
    const operations = calls.map((m) => `${m[1]}:${m[2]}`);
    expect(operations).toContain('sts:GetCallerIdentity');
    expect(operations).toContain('iam:GetAccountAuthorizationDetails');
    for (const m of calls) {
      expect(m[4]).toBe('us-east-1');
      expect(Number(m[6])).toBe(1);
    }
    // The account is learnt from the first GetCallerIdentity: every call after it names it.
    const afterIdentity = calls.slice(operations.indexOf('sts:GetCallerIdentity') + 1);
    expect(afterIdentity.length).toBeGreaterThan(0);
    for (const m of afterIdentity) expect(m[3]).toBe(ACCOUNT);
    // The report on stdout is unchanged.
    expect(JSON.parse(result.stdout)).toHaveProperty('findings');
  });

  it('shows the attempts a throttled call took', async () => {
    emu.current.faults.configure({
      rules: [{ service: 'iam', operation: 'GetAccountAuthorizationDetails', times: 1, kind: 'throttle' }],
    });
    try {
      const result = await audit(['--format', 'json', '--verbose']);

      expect(result.exitCode, result.stderr).toBeLessThan(2);
      const details = callLines(result.stderr).filter((m) => m[2] === 'GetAccountAuthorizationDetails');
      expect(details.map((m) => Number(m[6]))).toContain(2);
      expect(details.find((m) => m[6] === '2')?.[0]).toMatch(/ retry-delay=\d+ ms/);
    } finally {
      emu.current.faults.configure({});
    }
  });

  it('names a call that failed by its error code', async () => {
    emu.current.faults.configure({
      rules: [{ service: 'iam', operation: 'GetAccountAuthorizationDetails', errorRate: 1 }],
    });
    try {
      const result = await runCli(
        ['audit', '--endpoint-url', emu.current.url, '--format', 'json', '--verbose'],
        { env: { ...ENV, AWS_MAX_ATTEMPTS: '1' }, cwd: dir },
      );

      expect(result.exitCode).toBe(2);
      const failed = callLines(result.stderr).filter((m) => m[2] === 'GetAccountAuthorizationDetails');
      expect(failed[0]?.[0]).toMatch(/attempts=1 error=\S+$/);
    } finally {
      emu.current.faults.configure({});
    }
  });

  it('never logs a secret: a rotation with --verbose keeps the new SecretAccessKey off stderr', async () => {
    const user = emu.current.state.accounts.get(ACCOUNT)?.iam.users.get('ci');
    const before = new Set(user?.accessKeys.map((k) => k.accessKeyId));

    const result = await runCli(
      [
        'rotate',
        '--user',
        'ci',
        '--yes',
        '--verbose',
        '--endpoint-url',
        emu.current.url,
        '--journal',
        join(dir, 'rotate.jsonl'),
      ],
      { env: ENV, cwd: dir },
    );

    expect(result.exitCode, result.stderr).toBe(0);
    const created = user?.accessKeys.find((k) => !before.has(k.accessKeyId));
    expect(created).toBeDefined();
    const operations = callLines(result.stderr).map((m) => `${m[1]}:${m[2]}`);
    expect(operations).toContain('iam:CreateAccessKey');
    expect(result.stderr).not.toContain(created?.secretAccessKey);
    expect(result.stderr).not.toContain(ENV.AWS_SECRET_ACCESS_KEY);
  });

  it('in a many-account run, names the member account each call went to', async () => {
    const result = await audit(['--accounts', MEMBER, '--format', 'json', '--verbose']);

    expect(result.exitCode, result.stderr).toBeLessThan(2);
    const calls = callLines(result.stderr);
    expect(calls.map((m) => `${m[1]}:${m[2]}`)).toContain('sts:AssumeRole');
    const member = calls.filter((m) => m[2] === 'GetAccountAuthorizationDetails');
    expect(member.length).toBeGreaterThan(0);
    for (const m of member) expect(m[3]).toBe(MEMBER);
    // The role is assumed with the caller's credentials, in the caller's account.
    const assumed = calls.filter((m) => m[2] === 'AssumeRole');
    for (const m of assumed) expect(m[3]).toBe(ACCOUNT);
  });

  it('without it, no call is logged', async () => {
    const result = await audit(['--format', 'json']);
    expect(callLines(result.stderr)).toEqual([]);
  });
});

describe('--quiet', () => {
  const output = join(dir, 'report.json');

  it.each([
    ['after the command', ['--quiet']],
    ['before the command', []],
  ])('%s: no progress or info lines, the report unchanged', async (_where, after) => {
    const loud = await audit(['--output', output], { tty: true });
    const args = after.length > 0 ? ['--output', output, ...after] : ['--output', output];
    const quiet =
      after.length > 0
        ? await audit(args, { tty: true })
        : await runCli(
            [
              '--quiet',
              'audit',
              '--endpoint-url',
              emu.current.url,
              '--journal',
              join(dir, 'journal.jsonl'),
              ...args,
            ],
            { env: ENV, cwd: dir, tty: true },
          );

    expect(loud.stderr).toContain('\x1b[2K');
    expect(loud.stderr).toContain(`keywarden: wrote json report to ${output}`);
    expect(quiet.exitCode).toBe(loud.exitCode);
    expect(quiet.stderr).not.toContain('\x1b[2K');
    expect(quiet.stderr).not.toContain('wrote json report');
  });

  it('keeps errors', async () => {
    const result = await runCli(['audit', '--quiet', '--endpoint-url', 'not a url'], { env: ENV, cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('keywarden: --endpoint-url: not a URL (got "not a url")\n');
  });

  it('cannot be combined with --verbose (one line, exit 2, no AWS call)', async () => {
    emu.current.faults.resetCounts();
    const result = await audit(['--quiet', '--verbose']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/--quiet.*--verbose/);
    expect(emu.current.faults.count()).toBe(0);
  });
});

describe('--log-format json', () => {
  it('writes every stderr line as one JSON object in the handlers’ shape', async () => {
    const result = await audit([
      '--format',
      'json',
      '--verbose',
      '--log-format',
      'json',
      '--output',
      join(dir, 'r.json'),
    ]);

    expect(result.exitCode, result.stderr).toBeLessThan(2);
    const lines = result.stderr.trimEnd().split('\n');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const r of records) {
      expect(r).toMatchObject({
        service: 'keywarden',
        level: expect.any(String),
        message: expect.any(String),
      });
      expect(Number.isNaN(Date.parse(String(r.timestamp)))).toBe(false);
    }
    const call = records.find((r) => r.operation === 'GetAccountAuthorizationDetails');
    expect(call).toMatchObject({
      level: 'DEBUG',
      message: 'aws iam:GetAccountAuthorizationDetails',
      awsService: 'iam',
      accountId: ACCOUNT,
      region: 'us-east-1',
      attempts: 1,
      totalRetryDelayMs: 0,
      errorCode: null,
    });
    expect(call?.durationMs).toEqual(expect.any(Number));
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: expect.stringMatching(/^wrote json report to /) }),
    );
  });

  it('writes the failure line as an error record', async () => {
    const result = await runCli(['audit', '--log-format', 'json', '--endpoint-url', 'not a url'], {
      env: ENV,
      cwd: dir,
    });
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({
      level: 'ERROR',
      message: '--endpoint-url: not a URL (got "not a url")',
    });
  });

  it('refuses a format it does not know (exit 2, naming the choices)', async () => {
    const result = await audit(['--log-format', 'xml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--log-format.*xml.*text, json/);
  });
});

describe('--no-color', () => {
  beforeAll(() => {
    emu.current.faults.configure({});
  });

  it.each([
    ['after the command', (args: string[]) => ['audit', ...args, '--no-color']],
    ['before the command', (args: string[]) => ['--no-color', 'audit', ...args]],
  ])('%s: a table on a terminal has no ANSI colors', async (_where, argv) => {
    const args = ['--endpoint-url', emu.current.url, '--journal', join(dir, 'journal.jsonl')];
    const colored = await runCli(['audit', ...args], { env: ENV, cwd: dir, tty: true });
    const plain = await runCli(argv(args), { env: ENV, cwd: dir, tty: true });

    expect(colored.stdout).toContain('\x1b[');
    expect(plain.stdout).not.toContain('\x1b[');
    expect(plain.exitCode).toBe(colored.exitCode);
  });
});

describe('--log-format json before the flags are read', () => {
  it('writes commander’s own usage error as an error record', async () => {
    const result = await runCli(['audit', '--log-format', 'json', '--no-such-flag']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({
      level: 'ERROR',
      message: expect.stringContaining('--no-such-flag'),
    });
  });
});
