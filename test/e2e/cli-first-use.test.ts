/**
 * First-use friction (issue 7): what a new user runs in their first minutes must answer in one
 * clear line, never a raw `EISDIR` or a class name. The CLI runs in-process against the emulator.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/cli/policy-loader.js';
import { PRESET_NAMES } from '../../src/core/policy/types.js';
import type { World } from '../../src/emulator/world-types.js';
import { BIN, runCli, runProcess } from '../support/cli.js';
import { FIXED_NOW, useEmulator } from '../support/emulator.js';
import { homeEnv } from '../support/env.js';
import { visibleWidth } from '../support/terminal.js';

const ACCOUNT = '555555555555';
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        { name: 'app-old', accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 1 }] },
        { name: 'app-fresh', accessKeys: [{ createdDaysAgo: 10, lastUsedDaysAgo: 1 }] },
      ],
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDFIRSTUSE', AWS_SECRET_ACCESS_KEY: 'x' };
const NOW = FIXED_NOW.toISOString();

const emu = useEmulator({ world: WORLD, credentialReport: { inProgressPolls: 0 } });

/** A fresh working directory with a file `a-file` in it (for paths that run through a file). */
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kw-first-use-'));
  writeFileSync(join(dir, 'a-file'), 'not a directory\n');
  return dir;
}

/** Against the emulator; commands that only read get --now (apply refuses it and reads the emulator's clock). */
function keywarden(args: readonly string[], cwd: string) {
  const now = args[0] === 'apply' ? [] : ['--now', NOW];
  return runCli([...args, '--endpoint-url', emu.current.url, ...now], { env: ENV, cwd });
}

/** One line on stderr, exit 2, no stack trace and no class name. */
function expectOneLine(result: { exitCode: number; stderr: string }, message: RegExp): void {
  expect(result.exitCode).toBe(2);
  expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  expect(result.stderr).not.toMatch(/unexpected error|Error:|\n\s+at /);
}

describe('keywarden init --config in a directory that does not exist yet', () => {
  it("creates the directory (the help's own example), and validate reads the file", async () => {
    const dir = workdir();
    const init = await runCli(['init', '--config', 'policies/prod.yaml'], { cwd: dir });
    expect(init.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'policies', 'prod.yaml'), 'utf8')).toMatch(/^version: 1$/m);
    const validate = await runCli(['validate', '--config', 'policies/prod.yaml'], { cwd: dir });
    expect(validate.exitCode).toBe(0);
  });

  it('a path through a file or onto a directory is one line naming --config and the path', async () => {
    const dir = workdir();
    mkdirSync(join(dir, 'policies'));
    expectOneLine(
      await runCli(['init', '--config', 'a-file/prod.yaml'], { cwd: dir }),
      /^keywarden: --config: cannot write a-file\/prod\.yaml: .*a-file.* is a file, not a directory/,
    );
    expectOneLine(
      await runCli(['init', '--config', 'policies', '--force'], { cwd: dir }),
      /^keywarden: --config: cannot write policies: it is a directory/,
    );
  });
});

describe('--output that cannot be written: one line naming --output and the path, before any AWS call', () => {
  it.each([['audit'], ['plan'], ['forecast']])('%s', async (command) => {
    const dir = workdir();
    mkdirSync(join(dir, 'reports'));
    emu.current.faults.resetCounts();
    expectOneLine(
      await keywarden([command, '--output', 'reports'], dir),
      /^keywarden: --output: cannot write reports: it is a directory; name a file in it/,
    );
    expectOneLine(
      await keywarden([command, '--output', 'no/such/dir/f.json'], dir),
      /^keywarden: --output: cannot write no\/such\/dir\/f\.json: directory no\/such\/dir does not exist/,
    );
    expectOneLine(
      await keywarden([command, '--output', 'a-file/f.json'], dir),
      /^keywarden: --output: cannot write a-file\/f\.json: .*is a file, not a directory/,
    );
    expect(emu.current.faults.count()).toBe(0);
  });

  it('demo (which creates the directory it writes to)', async () => {
    const dir = workdir();
    expectOneLine(
      await runCli(['demo', '--audit-only', '--output', 'a-file/audit.json'], { cwd: dir }),
      /^keywarden: --output: cannot write a-file\/audit\.json: .*is a file, not a directory/,
    );
    const ok = await runCli(['demo', '--audit-only', '--output', 'out/audit.json'], { cwd: dir });
    expect(ok.exitCode).toBe(0);
    expect(existsSync(join(dir, 'out', 'audit.json'))).toBe(true);
  });
});

/** A "billion laughs": nine levels of nine aliases each, 9^9 values once expanded. */
function aliasBomb(): string {
  const lines = ['version: 1', 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (const [previous, name] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg', 'gh', 'hi']) {
    lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

describe('YAML that cannot be loaded: one line naming the file, exit 2, before any AWS call', () => {
  it.each([
    ['validate', '--config'],
    ['plan', '--config'],
    ['sandbox', '--world'],
    ['demo', '--world'],
  ])('%s %s with an alias bomb', async (command, flag) => {
    const dir = workdir();
    writeFileSync(join(dir, 'bomb.yaml'), aliasBomb());
    emu.current.faults.resetCounts();
    expectOneLine(
      await runCli(
        [command, flag, 'bomb.yaml', ...(command === 'plan' ? ['--endpoint-url', emu.current.url] : [])],
        {
          env: ENV,
          cwd: dir,
        },
      ),
      /^keywarden: (--world: )?\S*bomb\.yaml: YAML aliases expand too far \(over 100 aliased values/,
    );
    expect(emu.current.faults.count()).toBe(0);
  });

  it.each([
    [
      'an alias with no anchor',
      'version: 1\nnotifications: *nope\n',
      /bomb\.yaml:2:16: YAML alias \*nope has no anchor/,
    ],
    [
      'an alias inside its own anchor',
      'version: 1\nexemptions: { users: &u [ *u ] }\n',
      /bomb\.yaml:2:27: YAML alias \*u is inside the value &u/,
    ],
  ])('%s', async (_name, text, message) => {
    const dir = workdir();
    writeFileSync(join(dir, 'bomb.yaml'), text);
    expectOneLine(await runCli(['validate', '--config', 'bomb.yaml'], { cwd: dir }), message);
    expectOneLine(await runCli(['sandbox', '--world', 'bomb.yaml'], { cwd: dir }), message);
  });
});

describe('a journal that cannot be read', () => {
  it.each([[['history']], [['plan', '--format', 'json']], [['apply', '--yes']]])(
    '%j: one line without the class name, nothing changed',
    async (args) => {
      const dir = workdir();
      emu.current.faults.resetCounts();
      const journal = ['--journal', join(dir, 'a-file', 'journal.jsonl')];
      const result =
        args[0] === 'history'
          ? await runCli([...args, ...journal], { cwd: dir })
          : await keywarden([...args, ...journal], dir);
      // apply first locks the journal (one run at a time), and says so.
      expectOneLine(result, /^keywarden: cannot (read|lock) the journal .*a-file\/journal\.jsonl: ENOTDIR/);
      expect(result.stderr).not.toMatch(/JournalError/);
      expect(emu.current.faults.writeCalls()).toEqual([]);
    },
  );
});

/** Every section of the policy file set, each nullable field both ways across the sections. */
const EVERY_SECTION = `version: 1
preset: cis
rules:
  KEY_ROTATION: { enabled: true, maxKeyAgeDays: 120 }
  UNUSED_CREDENTIALS: { unusedDays: 60 }
  MULTIPLE_ACTIVE_KEYS: { enabled: false }
exemptions:
  users:
    - { name: "breakglass-*", reason: "sealed in the vault", until: "2027-06-30", rules: [KEY_ROTATION] }
    - { name: legacy, reason: "vendor" }
  paths:
    - { path: /service-accounts/, reason: "platform pipeline", rules: [UNUSED_CREDENTIALS] }
  groups:
    - { group: keywarden-exempt, reason: "approved", until: "2026-12-31" }
  tag: { enabled: false, key: "acme:exempt", reasonKey: "acme:exempt-reason" }
  ssmParameter: { name: /cleanup/excluded-users, rules: [UNUSED_CREDENTIALS] }
inventory: { mode: live, reportMaxAgeSeconds: 3600, concurrency: 4 }
rotation:
  warnBeforeDays: 10
  rotateAfterDays: 80
  deactivateAfterDays: 95
  deleteAfterDays: 110
  inUseGraceDays: 3
  forceDeactivateAfterDays: 150
remediation:
  mode: runbook
  maxActions: 20
  secretNamePrefix: acme/keys
  ownerTag: "acme:owner"
  secretKmsKeyId: alias/keywarden
  secretTags: { team: security, "cost-center": "42" }
notifications:
  securityTeamEmail: security@example.com
  sns: { topicArn: "arn:aws:sns:us-east-1:111111111111:keywarden-security" }
  slack: { webhookUrlSsmParameter: /keywarden/slack }
  email: { from: keywarden@example.com }
compliance: { cisVersion: 1.4.0 }
`;

describe('validate --print reads back', () => {
  const dir = workdir();
  writeFileSync(join(dir, 'every-section.yaml'), EVERY_SECTION);
  writeFileSync(
    join(dir, 'slack-env.yaml'),
    'version: 1\nnotifications: { slack: { webhookUrlEnv: HOOK } }\n',
  );

  it.each([
    ['the default policy', []],
    ...PRESET_NAMES.map((p) => [`preset ${p}`, ['--preset', p]]),
    ['a policy with every section set', ['--config', 'every-section.yaml']],
    ['a Slack webhook from the environment', ['--config', 'slack-env.yaml']],
    ['threshold flags', ['--preset', 'cis', '--max-key-age-days', '30', '--unused-days', '7']],
  ] as [string, string[]][])(
    '%s: validate --print > f.yaml && validate --config f.yaml gives the same effective policy',
    async (name, args) => {
      // Act
      // HOOK is set: validate refuses a Slack channel whose variable is missing (tested elsewhere).
      const env = { HOOK: 'https://hooks.slack.com/services/T000/B000/x' };
      const printed = await runCli(['validate', '--print', ...args], { cwd: dir, env });
      const file = `printed-${name.replace(/\W+/g, '-')}.yaml`;
      writeFileSync(join(dir, file), printed.stdout);
      const reread = await runCli(['validate', '--config', file, '--print'], { cwd: dir, env });
      // Assess
      expect(printed.exitCode).toBe(0);
      expect(printed.stderr).toMatch(/: valid · rules /);
      expect(reread.exitCode, reread.stderr).toBe(0);
      expect(reread.stdout).toBe(printed.stdout);
      const flags = Object.fromEntries(pairs(args));
      const original = loadPolicy({
        cwd: dir,
        config: flags['--config'],
        preset: flags['--preset'],
        overrides: { maxKeyAgeDays: flags['--max-key-age-days'], unusedDays: flags['--unused-days'] },
      }).policy;
      expect(loadPolicy({ cwd: dir, config: file }).policy).toEqual(original);
    },
  );

  it('without --print the summary is the output, on stdout', async () => {
    const result = await runCli(['validate', '--preset', 'cis'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^defaults \(preset cis\): valid · rules /);
  });
});

function pairs(args: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < args.length; i += 2) out.push([args[i] ?? '', args[i + 1] ?? '']);
  return out;
}

describe('undo --help', () => {
  it('lists only the flags undo uses (and, apart, the global ones)', async () => {
    const help = await runCli(['undo', '--help']);
    expect(help.exitCode).toBe(0);
    const own = help.stdout.split('Global Options:')[0] ?? '';
    const flags = [...own.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]).sort();
    expect(flags).toEqual([
      '--accounts',
      '--config',
      '--connect-timeout',
      '--endpoint-url',
      '--exclude-accounts',
      '--external-id',
      '--help',
      '--hold-days',
      '--include-accounts',
      '--journal',
      '--org',
      '--ous',
      '--profile',
      '--region',
      '--request-timeout',
      '--role-name',
      '--yes',
    ]);
  });
});

describe('--profile', () => {
  /** The built CLI with HOME at `home` (and the AWS files in it), none of this process's AWS variables. */
  const withHome = (home: string, args: readonly string[]) =>
    runProcess(process.execPath, [BIN, ...args, '--endpoint-url', emu.current.url, '--now', NOW], {
      env: homeEnv(home),
      cwd: home,
    });

  it('a profile that does not exist is named as such, before any AWS call', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kw-empty-home-'));
    emu.current.faults.resetCounts();
    const result = await withHome(home, ['audit', '--profile', 'nope']);
    expectOneLine(
      result,
      /^keywarden: --profile: profile nope not found in ~\/\.aws\/config or ~\/\.aws\/credentials$/,
    );
    expect(emu.current.faults.count()).toBe(0);
  });

  it('profiles from ~/.aws/credentials and ~/.aws/config are found; one without keys says so', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kw-home-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(
      join(home, '.aws', 'credentials'),
      '[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = x\n',
    );
    writeFileSync(
      join(home, '.aws', 'config'),
      '[profile staging]\naws_access_key_id = AKIDSTAGING\naws_secret_access_key = x\n[profile nokeys]\nregion = eu-west-1\n',
    );
    for (const profile of ['dev', 'staging']) {
      const result = await withHome(home, ['audit', '--profile', profile, '--format', 'json']);
      expect(result.exitCode, result.stderr).toBe(1);
      expect(
        (JSON.parse(result.stdout) as { accounts: { accountId: string }[] }).accounts[0]?.accountId,
      ).toBe(ACCOUNT);
    }
    const nokeys = await withHome(home, ['audit', '--profile', 'nokeys']);
    expectOneLine(
      nokeys,
      /^keywarden: no AWS credentials found for profile nokeys: it has no keys, role_arn, sso_session or credential_process/,
    );
    expect(nokeys.stderr).not.toMatch(/pass --profile/);
  });
});

describe('tables on an 80-column terminal', () => {
  it.each([[['audit']], [['plan']], [['forecast']]])(
    '%j: no line is wider than the terminal',
    async (args) => {
      const dir = workdir();
      writeFileSync(
        join(dir, 'keywarden.yaml'),
        'version: 1\nexemptions:\n  users:\n    - name: app-fresh\n      reason: |\n        approved by the CISO\n        until the vendor upgrade (SEC-1234)\n',
      );
      const result = await runCli([...args, '--endpoint-url', emu.current.url, '--now', NOW], {
        env: ENV,
        cwd: dir,
        tty: true,
        columns: 80,
      });
      expect(result.stderr).not.toMatch(/error/i);
      const lines = result.stdout.split('\n');
      expect(lines.length).toBeGreaterThan(2);
      for (const line of lines) expect(visibleWidth(line), line).toBeLessThanOrEqual(80);
    },
  );
});

describe('history', () => {
  const dir = workdir();
  const journal = join(dir, 'journal.jsonl');
  const history = (args: readonly string[]) =>
    runCli(['history', '--journal', journal, ...args], { cwd: dir });

  it('has a header, is in time order and names the key a rotation created', async () => {
    // Prepare: rotate app-old's 100-day-old key
    const apply = await keywarden(['apply', '--yes', '--format', 'json', '--journal', journal], dir);
    expect(apply.exitCode, apply.stderr).toBe(0);
    const created = (
      JSON.parse(apply.stdout) as { results: { type: string; newAccessKeyId?: string }[] }
    ).results.find((r) => r.type === 'create-key')?.newAccessKeyId;
    expect(created).toMatch(/^AKIA/);

    // Act
    const table = await history([]);
    const json = await history(['--format', 'json']);

    // Assess
    expect(table.exitCode).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s*TIME\s+STATUS\s+ACTION\s+USER\s+KEY$/);
    expect(lines[1]).toMatch(new RegExp(`^run \\S+ \\(apply\\) · account ${ACCOUNT}$`));
    expect(table.stdout).toMatch(new RegExp(`create-key\\s+app-old\\s+AKIA\\w+ → ${created}`));
    const rows = JSON.parse(json.stdout) as { at: string; type: string; newAccessKeyId: string | null }[];
    expect(rows.map((r) => r.at)).toEqual(rows.map((r) => r.at).sort());
    expect(rows.find((r) => r.type === 'store-secret')?.newAccessKeyId).toBe(created);
  });

  it('--run with a run the journal does not have is one line and exit 2', async () => {
    expectOneLine(
      await history(['--run', 'no-such-run']),
      /^keywarden: --run: no run no-such-run in the journal .*journal\.jsonl/,
    );
  });
});

describe('--now before the data', () => {
  const run = (args: readonly string[], now: string) =>
    runCli([...args, '--endpoint-url', emu.current.url, '--now', now], { env: ENV, cwd: workdir() });

  it.each([
    [['audit', '--format', 'json']],
    [['plan', '--format', 'json']],
    [['forecast', '--format', 'json']],
  ])('%j: one warning line naming how far before', async (args) => {
    const early = await run(args, '2026-01-01T00:00:00Z');
    expect(early.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^keywarden: warning: --now 2026-01-01T00:00:00\.000Z is 32[45] days before the newest data: .+ at 2026-11-2[12]T12:00:00\.000Z; ages measured from later moments come out negative$/,
      ),
    ]);
    const onTime = await run(args, NOW);
    expect(onTime.stderr).toBe('');
  });
});
