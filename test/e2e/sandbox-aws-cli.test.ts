/**
 * `keywarden sandbox` as a user runs it: the built binary in its own process, and the AWS CLI (a
 * client nobody here wrote) pointed at it.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, runProcess, spawnCli, waitForOutput } from '../support/cli.js';

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

/** The shell lines of README.md's "Try it with the AWS CLI" code block, comments stripped. */
function readmeLines(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /### Try it with the AWS CLI\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

describe("the README's AWS CLI lines, word for word", () => {
  const lines = readmeLines();
  const exported = Object.fromEntries(
    (
      lines
        .find((l) => l.startsWith('export '))
        ?.slice('export '.length)
        .split(/\s+/) ?? []
    ).map((pair) => {
      const [name = '', ...value] = pair.split('=');
      return [name, value.join('=')];
    }),
  );
  /**
   * Only what the README sets: runProcess passes none of this process's AWS variables and gives
   * each run its own empty HOME. The README's sandbox listens on 4566; this test's on a free port,
   * so only the endpoint's port differs.
   */
  const readmeEnv = () => ({
    ...exported,
    AWS_ENDPOINT_URL: String(exported.AWS_ENDPOINT_URL).replace(/:4566$/, `:${new URL(endpoint).port}`),
  });

  it('sets the endpoint of the sandbox it starts, on port 4566', () => {
    expect(lines[0]).toMatch(/^npx keywarden sandbox &$/);
    expect(exported.AWS_ENDPOINT_URL).toBe('http://127.0.0.1:4566');
  });

  it('runs its aws line with the AWS CLI v1 and only its variables', async () => {
    const [command = '', ...args] = lines.find((l) => l.startsWith('aws '))?.split(/\s+/) ?? [];
    const result = await runProcess(command, args, { env: readmeEnv() });
    expect(result.exitCode, result.stderr).toBe(0);
    const users = (JSON.parse(result.stdout) as { Users: { UserName: string }[] }).Users;
    expect(users.map((u) => u.UserName)).toContain('alice.nguyen');
  });

  it('runs its keywarden audit line with only its variables', async () => {
    const [, , ...args] = lines.find((l) => l.startsWith('npx keywarden audit'))?.split(/\s+/) ?? [];
    const result = await runProcess(process.execPath, [BIN, ...args], { env: readmeEnv() });
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as { accounts: { accountId: string; status: string }[] };
    expect(report.accounts[0]).toMatchObject({ accountId: '111111111111', status: 'ok' });
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

  it('a port already in use is one line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await run(['--port', String(port)]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      blocker.close();
    }
  });
});
