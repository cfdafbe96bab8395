/**
 * `keywarden sandbox` as a user runs it: the built binary in its own process, and the AWS CLI (a
 * client nobody here wrote) pointed at it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliResult, REPO_ROOT, runProcess, spawnCli, waitForOutput } from '../support/cli.js';
import { emptyDir, processEnv } from '../support/env.js';

/**
 * The AWS CLI with dummy keys (they act as the world's default account); runProcess gives it an
 * empty HOME and none of the caller's AWS configuration.
 */
const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
};

let sandbox: ChildProcess;
let endpoint: string;

async function aws(...args: string[]) {
  const result = await runProcess('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], {
    env: AWS_ENV,
  });
  if (result.exitCode !== 0)
    throw new Error(`aws ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
  return JSON.parse(result.stdout || '{}') as Record<string, unknown>;
}

beforeAll(async () => {
  sandbox = spawnCli(['sandbox', '--port', '0']);
  const match = await waitForOutput(sandbox, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  endpoint = match[1] ?? '';
});

afterAll(async () => {
  if (sandbox.exitCode === null) {
    const exited = new Promise((resolve) => sandbox.once('exit', resolve));
    sandbox.kill('SIGINT');
    await exited;
  }
});

describe('the AWS CLI against keywarden sandbox (demo world)', () => {
  it('prints the endpoint and the environment to use', async () => {
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lists users and access keys', async () => {
    const users = (await aws('iam', 'list-users')).Users as { UserName: string }[];
    expect(users.map((u) => u.UserName)).toContain('alice.nguyen');
    const keys = (await aws('iam', 'list-access-keys', '--user-name', 'alice.nguyen')).AccessKeyMetadata as {
      AccessKeyId: string;
      Status: string;
    }[];
    expect(keys).toEqual([
      expect.objectContaining({ AccessKeyId: 'AKIAEXAMPLEALICE0001', Status: 'Active' }),
    ]);
  });

  it('pages through users with --page-size', async () => {
    const all = (await aws('iam', 'list-users')).Users as unknown[];
    const paged = (await aws('iam', 'list-users', '--page-size', '2')).Users as unknown[];
    expect(paged).toHaveLength(all.length);
  });

  it('generates and reads a credential report with the root row', async () => {
    let state = '';
    for (let i = 0; i < 5 && state !== 'COMPLETE'; i++) {
      state = String((await aws('iam', 'generate-credential-report')).State);
    }
    expect(state).toBe('COMPLETE');
    const report = await aws('iam', 'get-credential-report');
    const csv = Buffer.from(String(report.Content), 'base64').toString('utf8');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows[0]?.user).toBe('<root_account>');
    expect(rows.find((r) => r.user === 'alice.nguyen')?.access_key_1_active).toBe('true');
  });

  it('publishes to SNS and the sandbox keeps the message', async () => {
    const topicArn = 'arn:aws:sns:us-east-1:111111111111:keywarden-security';
    const published = await aws(
      'sns',
      'publish',
      '--topic-arn',
      topicArn,
      '--message',
      'hello from the aws cli',
    );
    expect(published.MessageId).toEqual(expect.any(String));
    const admin = (await (await fetch(`${endpoint}/_keywarden/sns/messages`)).json()) as {
      messages: { message: string; topicArn: string }[];
    };
    expect(admin.messages).toContainEqual(
      expect.objectContaining({ topicArn, message: 'hello from the aws cli' }),
    );
  });

  it('answers an unknown operation with an AWS error naming it', async () => {
    const result = await runProcess('aws', ['--endpoint-url', endpoint, 'iam', 'list-roles'], {
      env: AWS_ENV,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/InvalidAction.*ListRoles/);
  });

  it('lets keywarden audit the sandbox through AWS_ENDPOINT_URL', async () => {
    const child = spawnCli(['audit', '--format', 'json', '--fail-on', 'none'], {
      env: { ...AWS_ENV, AWS_ENDPOINT_URL: endpoint },
    });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect((JSON.parse(out) as { accounts: { accountId: string }[] }).accounts[0]?.accountId).toBe(
      '111111111111',
    );
  });
});

/** README.md's "Try it with the AWS CLI" block: the shell text between its markers, as written. */
function readmeBlock(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /<!-- sandbox-block:start[^>]*-->\n```sh\n([\s\S]*?)```\n<!-- sandbox-block:end -->/.exec(
    readme,
  );
  if (block?.[1] === undefined) {
    throw new Error(
      'README.md has no ```sh block between <!-- sandbox-block:start ... --> and <!-- sandbox-block:end -->',
    );
  }
  return block[1];
}

/**
 * A folder with an `npx` that runs this clone's built CLI for `npx keywarden ...`, as the README
 * means it. The real npx would first install the clone into npm's cache (about 40 s under a test's
 * empty HOME) and ask the registry for updates.
 */
function npxShim(): string {
  const dir = emptyDir('npx-');
  const npx = join(dir, 'npx');
  writeFileSync(
    npx,
    [
      '#!/bin/sh',
      '[ "$1" = keywarden ] || { echo "test npx: only npx keywarden ... (got $1)" >&2; exit 127; }',
      'shift',
      `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(npx, 0o755);
  return dir;
}

/** Every sandbox process the block may have left behind: the pid in its pid file, and any it printed. */
function leftBehind(stateHome: string, stderr: string): number[] {
  const pids = [...stderr.matchAll(/sandbox \(pid (\d+)\) listening/g)].map((m) => Number(m[1]));
  try {
    const file = JSON.parse(readFileSync(join(stateHome, 'keywarden', 'sandbox.json'), 'utf8')) as {
      pid: number;
    };
    pids.push(file.pid);
  } catch {
    // No pid file: the block stopped its sandbox (or never started one).
  }
  return pids;
}

describe("the README's sandbox block, run with bash word for word", () => {
  /** Its state directory: the pid file and log of the sandbox it starts. */
  const stateHome = emptyDir('state-');
  let run: CliResult = { exitCode: -1, stdout: '', stderr: '' };

  let bash: ChildProcess | undefined;

  beforeAll(async () => {
    // Output to files and the end awaited on bash's exit, so a process the block leaves running
    // (a `sandbox &`) cannot hold the test; bash leads its own process group, for afterAll.
    const dir = emptyDir('readme-block-');
    const [out, err] = [join(dir, 'stdout'), join(dir, 'stderr')];
    const fds = [openSync(out, 'w'), openSync(err, 'w')] as const;
    bash = spawn('bash', ['-c', readmeBlock()], {
      cwd: emptyDir('cwd-'),
      env: processEnv({
        PATH: `${npxShim()}:${process.env.PATH ?? ''}`,
        XDG_STATE_HOME: stateHome,
        // A free port, not 4566: other test runs may be using it. The exports say which.
        KEYWARDEN_SANDBOX_PORT: '0',
      }),
      stdio: ['ignore', fds[0], fds[1]],
      detached: true,
    });
    const exitCode = await new Promise<number>((resolve) =>
      bash?.once('exit', (code) => resolve(code ?? -1)),
    );
    for (const fd of fds) closeSync(fd);
    run = { exitCode, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
  });

  afterAll(() => {
    // Whatever the block did, nothing it started outlives the test: its process group (a job it
    // put in the background), and the detached sandbox, which has its own.
    const stopped = run.stderr.match(/sandbox \(pid \d+\) on \S+ stopped/) !== null;
    const groups = bash?.pid === undefined ? [] : [-bash.pid];
    for (const pid of [...groups, ...(stopped ? [] : leftBehind(stateHome, run.stderr))]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });

  const endpoint = () =>
    /listening on (http:\/\/127\.0\.0\.1:\d+) in the background/.exec(run.stderr)?.[1] ?? '';

  it('starts the sandbox in the background and exports its endpoint', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(endpoint()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.stderr).toContain('stop it with: keywarden sandbox --stop');
  });

  it('lists the users with the AWS CLI through the exported variables', () => {
    expect(run.stdout).toMatch(/"UserName": "alice\.nguyen"/);
  });

  it('audits the sandbox with keywarden through the same variables', () => {
    expect(run.stdout).toMatch(/"accountId": "111111111111",\s+"status": "ok"/);
  });

  it('stops the sandbox at the end: nothing listens any more and its pid file is gone', async () => {
    expect(run.stderr).toMatch(/keywarden: sandbox \(pid \d+\) on http:\/\/127\.0\.0\.1:\d+ stopped/);
    const { port } = new URL(endpoint());
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: Number(port) });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    expect(existsSync(join(stateHome, 'keywarden', 'sandbox.json'))).toBe(false);
  });
});

describe('keywarden sandbox --detach and --stop', () => {
  const stateHome = emptyDir('state-');
  const env = { XDG_STATE_HOME: stateHome, KEYWARDEN_SANDBOX_PORT: '0' };
  const run = (args: string[]) => runProcess(process.execPath, [BIN, 'sandbox', ...args], { env });
  let first: CliResult = { exitCode: -1, stdout: '', stderr: '' };

  afterAll(() => {
    for (const pid of leftBehind(stateHome, first.stderr)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });

  it('one at a time: a second --detach names the running one; --stop stops it; a second --stop has nothing to stop', async () => {
    // Act
    first = await run(['--detach']);
    const second = await run(['--detach']);
    const stopped = await run(['--stop']);
    const again = await run(['--stop']);

    // Assess
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+\nexport AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1\n$/,
    );
    const pid = /\(pid (\d+)\)/.exec(first.stderr)?.[1];
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(
        `^keywarden: --detach: a detached sandbox is already running \\(pid ${pid}, http://127\\.0\\.0\\.1:\\d+\\); stop it with: keywarden sandbox --stop\n$`,
      ),
    );
    expect(stopped.exitCode, stopped.stderr).toBe(0);
    expect(stopped.stderr).toMatch(new RegExp(`^keywarden: sandbox \\(pid ${pid}\\) on \\S+ stopped\n$`));
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/^keywarden: no detached sandbox to stop/);
  });

  it('--help shows how to start it in the background and stop it', async () => {
    const help = await runProcess(process.execPath, [BIN, 'sandbox', '--help']);
    expect(help.stdout).toContain('$ eval "$(keywarden sandbox --detach)"');
    expect(help.stdout).toContain('$ keywarden sandbox --stop');
  });
});

describe('keywarden sandbox input errors (one line, exit 2)', () => {
  const run = (args: string[]) => runProcess(process.execPath, [BIN, 'sandbox', ...args]);

  it.each([
    [['--port', 'abc'], /--port: must be an integer from 0 to 65535 \(got "abc"\)/],
    [['--port', '70000'], /--port: must be an integer from 0 to 65535/],
    [['--world', 'no-such-world.yaml'], /--world: .*cannot read world file.*no-such-world\.yaml/],
  ])('%j', async (args, message) => {
    const result = await run(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a bad world file names the field path and the bad value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-world-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'accounts:\n  - id: "111111111111"\n    users:\n      - name: x\n        accessKeys: [{ createdDaysAgo: abc }]\n',
    );
    const result = await run(['--world', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/accounts\[0\]\.users\[0\]\.accessKeys\[0\]\.createdDaysAgo.*"abc"/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([[[]], [['--detach']]])('a port already in use is one line %j', async (flags) => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await run([...flags, '--port', String(port)]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(`^keywarden: .*port ${port} on 127\\.0\\.0\\.1 is already in use[^\n]*\n$`),
      );
    } finally {
      blocker.close();
    }
  });
});
