/**
 * `keywarden deploy`: what it hands the CDK CLI (recorded by a stand-in named by KEYWARDEN_CDK_CLI,
 * since a real deploy needs AWS), and the real aws-cdk CLI running Keywarden's app offline the way
 * deploy makes it run it (from Keywarden's folder and cdk.json, --app, --context keywarden:config).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/core/policy/resolve.js';
import { STACK_NAMES } from '../../src/infra/app.js';
import { REPO_ROOT, runCli, runProcess } from '../support/cli.js';
import { emptyDir } from '../support/env.js';
import { policyFrom } from './support.js';

/** The CDK app the CDK CLI runs: the built entry, so it works from an installed package too. */
const CDK_APP_ENTRY = join(REPO_ROOT, 'dist', 'infra', 'main.js');

interface Recorded {
  readonly argv: string[];
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
  readonly policy: string | null;
}

/** A CDK CLI stand-in: records its arguments, folder, a few variables and the policy file, then exits. */
function fakeCdk(exitCode = 0): { readonly cli: string; readonly recorded: () => Recorded } {
  const dir = emptyDir('fake-cdk-');
  const record = join(dir, 'record.json');
  const cli = join(dir, 'cdk.mjs');
  writeFileSync(
    cli,
    `import { readFileSync, writeFileSync, existsSync } from 'node:fs';
const argv = process.argv.slice(2);
const config = argv.find((a) => a.startsWith('keywarden:config='))?.slice('keywarden:config='.length);
const env = Object.fromEntries(['CDK_DISABLE_CLI_TELEMETRY', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE'].map((k) => [k, process.env[k]]));
writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv, cwd: process.cwd(), env, policy: config && existsSync(config) ? readFileSync(config, 'utf8') : null }));
process.stdout.write('fake cdk: deployed\\n');
process.exit(${exitCode});
`,
  );
  return { cli, recorded: () => JSON.parse(readFileSync(record, 'utf8')) as Recorded };
}

/** A HOME whose ~/.aws/config defines the profile `prod`. */
function homeWithProfile(): Record<string, string> {
  const home = emptyDir('home-');
  mkdirSync(join(home, '.aws'));
  writeFileSync(join(home, '.aws', 'config'), '[profile prod]\nregion = eu-west-1\n');
  return {
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
  };
}

const POLICY = 'version: 1\nrules:\n  KEY_ROTATION: { maxKeyAgeDays: 60 }\n';

describe('keywarden deploy', () => {
  it('runs the CDK CLI on Keywarden’s app with the checked policy and the flags passed through', async () => {
    // Prepare
    const cdk = fakeCdk();
    const cwd = emptyDir('deploy-');
    writeFileSync(join(cwd, 'prod.yaml'), POLICY);

    // Act
    const result = await runCli(
      [
        'deploy',
        'KeywardenAccount',
        '--config',
        'prod.yaml',
        '--profile',
        'prod',
        '--region',
        'eu-west-1',
        '--require-approval',
        'never',
        '--parameter',
        'KeywardenAccount:NotificationEmail=security@example.com',
        '--parameter',
        'KeywardenAccount:MaxActions=20',
        '--out',
        'out',
      ],
      { cwd, env: { ...homeWithProfile(), KEYWARDEN_CDK_CLI: cdk.cli } },
    );

    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('fake cdk: deployed\n');
    const { argv, cwd: cdkCwd, env, policy } = cdk.recorded();
    const config = argv.find((a) => a.startsWith('keywarden:config='))!;
    expect(argv).toEqual([
      'deploy',
      'KeywardenAccount',
      '--app',
      CDK_APP_ENTRY,
      '--context',
      config,
      '--context',
      'keywarden:source=prod.yaml',
      '--output',
      join(cwd, 'out'),
      '--no-notices',
      '--profile',
      'prod',
      '--require-approval',
      'never',
      '--parameters',
      'KeywardenAccount:NotificationEmail=security@example.com',
      '--parameters',
      'KeywardenAccount:MaxActions=20',
    ]);
    // Keywarden's cdk.json (notices and telemetry off), not one in the user's folder.
    expect(join(cdkCwd, '/')).toBe(REPO_ROOT);
    expect(env).toMatchObject({ CDK_DISABLE_CLI_TELEMETRY: '1', AWS_REGION: 'eu-west-1' });
    // The app gets the effective policy, which reads back the same; the file is gone afterwards.
    expect(parsePolicy(policy ?? '', 'deployed').value).toEqual(policyFrom(POLICY));
    expect(existsSync(config.slice('keywarden:config='.length))).toBe(false);
  });

  it('deploys KeywardenAccount by default', async () => {
    const cdk = fakeCdk();
    const result = await runCli(['deploy'], { env: { KEYWARDEN_CDK_CLI: cdk.cli } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(cdk.recorded().argv.slice(0, 3)).toEqual(['deploy', 'KeywardenAccount', '--app']);
    expect(cdk.recorded().argv).not.toContain('--profile');
  });

  it('fails with exit 1 when the CDK CLI does, after its own messages', async () => {
    const cdk = fakeCdk(3);
    const result = await runCli(['deploy'], { env: { KEYWARDEN_CDK_CLI: cdk.cli } });
    expect(result).toMatchObject({
      exitCode: 1,
      stdout: 'fake cdk: deployed\n',
      stderr: 'keywarden: the CDK CLI exited with 3; its messages are above\n',
    });
  });

  it.each([
    [
      ['deploy', 'Keywarden'],
      'keywarden: stack: must be one of KeywardenAccount, KeywardenAwsNative, KeywardenOrganization (got "Keywarden")',
    ],
    [
      ['deploy', '--require-approval', 'maybe'],
      'keywarden: --require-approval: must be one of never, any-change, broadening (got "maybe")',
    ],
    [
      ['deploy', '--parameter', 'MaxActions=3'],
      'keywarden: --parameter: must be STACK:NAME=VALUE, e.g. KeywardenAccount:MaxActions=20 (got "MaxActions=3")',
    ],
    [['deploy', '--config', 'nope.yaml'], 'keywarden: --config: policy file not found: nope.yaml'],
    [
      ['deploy', '--access-keys-rotated-remediation', 'revoke'],
      'keywarden: --access-keys-rotated-remediation: must be one of notify, revoke-unused-credentials (got "revoke")',
    ],
  ])('refuses %j in one line, exit 2, without running the CDK CLI', async (args, message) => {
    const cdk = fakeCdk();
    const result = await runCli(args, { env: { KEYWARDEN_CDK_CLI: cdk.cli } });
    expect(result).toMatchObject({ exitCode: 2, stdout: '', stderr: `${message}\n` });
    expect(() => cdk.recorded()).toThrow(/ENOENT/);
  });

  it('passes the revoke runbook pairing as context, with the warning on stderr', async () => {
    const cdk = fakeCdk();
    const result = await runCli(
      ['deploy', 'KeywardenAwsNative', '--access-keys-rotated-remediation', 'revoke-unused-credentials'],
      { env: { KEYWARDEN_CDK_CLI: cdk.cli } },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^keywarden: warning: KeywardenAwsNative: ACCESS_KEYS_ROTATED is remediated by /,
    );
    const argv = cdk.recorded().argv;
    const at = argv.indexOf('keywarden:access-keys-rotated-remediation=revoke-unused-credentials');
    expect(argv[at - 1]).toBe('--context');
    const plain = fakeCdk();
    await runCli(['deploy', 'KeywardenAwsNative'], { env: { KEYWARDEN_CDK_CLI: plain.cli } });
    expect(plain.recorded().argv.join(' ')).not.toContain('access-keys-rotated-remediation');
  });

  it('names a profile that does not exist before running the CDK CLI', async () => {
    const cdk = fakeCdk();
    const result = await runCli(['deploy', '--profile', 'staging'], {
      env: { ...homeWithProfile(), KEYWARDEN_CDK_CLI: cdk.cli },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^keywarden: --profile: profile staging not found in /);
    expect(() => cdk.recorded()).toThrow(/ENOENT/);
  });

  it('has --help with examples, and deploys exactly the stacks the app has', async () => {
    const result = await runCli(['deploy', '--help']);
    expect(result.stdout).toContain('Examples:\n  $ keywarden deploy --profile prod\n');
    const unknown = await runCli(['deploy', 'NoSuchStack']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain(
      `stack: must be one of ${Object.values(STACK_NAMES).join(', ')} (got "NoSuchStack")`,
    );
  });
});

describe('the aws-cdk CLI Keywarden installs', () => {
  it('runs Keywarden’s app offline as deploy has it run, with the policy given as context', async () => {
    // Prepare
    const dir = emptyDir('cdk-cli-');
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, POLICY);
    const cdk = createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');
    const env = {
      AWS_PROFILE: 'no-such-profile',
      AWS_REGION: 'nowhere-1',
      CDK_DISABLE_CLI_TELEMETRY: '1',
      // The one full synth of the suite is keywarden synth's; this one skips the built-in validation.
      CDK_VALIDATION: 'false',
    };

    // Act: `cdk ls` runs the app and writes the templates without bundling.
    const result = await runProcess(
      process.execPath,
      [
        cdk,
        'ls',
        '--app',
        CDK_APP_ENTRY,
        '--context',
        `keywarden:config=${policyFile}`,
        '--context',
        'keywarden:source=prod.yaml',
        '--context',
        'keywarden:access-keys-rotated-remediation=revoke-unused-credentials',
        '--output',
        join(dir, 'out'),
      ],
      { cwd: REPO_ROOT, env },
    );

    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('KeywardenAccount\nKeywardenAwsNative\nKeywardenOrganization\n');
    const template = (stack: string) => readFileSync(join(dir, 'out', `${stack}.template.json`), 'utf8');
    const awsNative = JSON.parse(template('KeywardenAwsNative')) as {
      Parameters: Record<string, { Default?: unknown }>;
      Resources: Record<string, { Type: string }>;
    };
    expect(awsNative.Parameters.MaxAccessKeyAge?.Default).toBe(60);
    // The pairing given as context: the runbook remediates both rules.
    const remediations = Object.values(awsNative.Resources).filter(
      (r) => r.Type === 'AWS::Config::RemediationConfiguration',
    );
    expect(remediations).toHaveLength(2);
    expect(/"Description": "(Keywarden policy[^"]*)"/.exec(template('KeywardenAccount'))?.[1]).toBe(
      'Keywarden policy (prod.yaml), written by keywarden synth',
    );
  });
});
