/**
 * `keywarden synth`: the one full synth of the suite (handlers bundled with the local esbuild, the
 * built-in CloudFormation validation and cdk-nag on), run as a user runs it, with AWS variables set
 * to garbage and every proxy pointing nowhere, then cfn-lint on both templates. cfn-lint is on every
 * machine image we test on: when it is missing the test fails with the reason, it does not skip.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/core/policy/resolve.js';
import { runCli, runProcess, spawnCli } from '../support/cli.js';
import { emptyDir } from '../support/env.js';
import { policyFrom } from './support.js';

const POLICY = `version: 1
rules:
  KEY_ROTATION: { enabled: true, maxKeyAgeDays: 60 }
  CONSOLE_WITHOUT_MFA: { enabled: true }
exemptions:
  ssmParameter: { name: /cleanup/excluded-users, reason: listed in the cleanup exclusions }
`;

/** What a machine with someone's AWS setup, and no network, looks like to the process. */
const GARBAGE_AWS = {
  AWS_PROFILE: 'no-such-profile',
  AWS_REGION: 'nowhere-1',
  AWS_DEFAULT_REGION: 'nowhere-1',
  AWS_ACCESS_KEY_ID: 'AKIAGARBAGEGARBAGE00',
  AWS_SECRET_ACCESS_KEY: 'garbage',
  AWS_SESSION_TOKEN: 'garbage',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '',
};

function exitOf(
  child: ReturnType<typeof spawnCli>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
}

async function cfnLint(templates: readonly string[]) {
  try {
    return await runProcess('cfn-lint', ['--ignore-checks', 'W3005', '--', ...templates]);
  } catch (error) {
    throw new Error(
      `cfn-lint is required (CI runs it; version 1.51 is on the machine image): pip install cfn-lint (${(error as Error).message})`,
    );
  }
}

describe('keywarden synth (full synth, then cfn-lint)', () => {
  it('writes the three templates and the bundled handlers offline, and cfn-lint finds nothing', async () => {
    // Prepare
    const cwd = emptyDir('synth-');
    writeFileSync(join(cwd, 'policy.yaml'), POLICY);

    // Act: with the AWS articles' pairing, so the template linted has every resource the stack can have.
    const result = await exitOf(
      spawnCli(
        [
          'synth',
          '--config',
          'policy.yaml',
          '--out',
          'build/cdk.out',
          '--access-keys-rotated-remediation',
          'revoke-unused-credentials',
        ],
        { cwd, env: GARBAGE_AWS },
      ),
    );

    // Assess
    expect(result.code, result.stderr).toBe(0);
    // The pairing is said once on stderr, in one line.
    expect(
      result.stderr
        .split('\n')
        .filter((l) => l.includes('AWSConfigRemediation-RevokeUnusedIAMUserCredentials')),
    ).toEqual([
      expect.stringMatching(
        /^keywarden: warning: KeywardenAwsNative: ACCESS_KEYS_ROTATED is remediated by .*never rotates.*outage/,
      ),
    ]);
    expect(result.stdout).toContain('KeywardenAccount      build/cdk.out/KeywardenAccount.template.json');
    expect(result.stdout).toContain('KeywardenAwsNative    build/cdk.out/KeywardenAwsNative.template.json');
    expect(result.stdout).toContain(
      'KeywardenOrganization build/cdk.out/KeywardenOrganization.template.json',
    );
    const out = join(cwd, 'build', 'cdk.out');
    const templates = ['KeywardenAccount', 'KeywardenAwsNative', 'KeywardenOrganization'].map((s) =>
      join(out, `${s}.template.json`),
    );
    for (const template of templates) expect(existsSync(template), template).toBe(true);

    // Each handler bundled into its own file.
    const bundles = readdirSync(out).filter(
      (dir) => dir.startsWith('asset.') && existsSync(join(out, dir, 'index.mjs')),
    );
    expect(bundles).toHaveLength(6);
    // Each bundle loads in plain Node (as the Lambda runtime loads it) and exports the handler.
    for (const dir of bundles) {
      const load = await runProcess(process.execPath, [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(out, dir, 'index.mjs'))}); console.log(typeof m.handler);`,
      ]);
      expect(load.stdout.trim(), load.stderr).toBe('function');
    }

    // The handlers run the policy given.
    const account = JSON.parse(readFileSync(templates[0]!, 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Name?: string; Value?: string } }>;
    };
    const parameter = Object.values(account.Resources).find((r) => r.Type === 'AWS::SSM::Parameter');
    expect(parsePolicy(parameter?.Properties.Value ?? '', 'parameter').value).toEqual(policyFrom(POLICY));

    // The member role template the organization's StackSets carry, linted as its own template.
    const organization = JSON.parse(readFileSync(templates[2]!, 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { TemplateBody?: string } }>;
    };
    const stackSet = Object.values(organization.Resources).find(
      (r) => r.Type === 'AWS::CloudFormation::StackSet',
    );
    const member = join(cwd, 'member-role.template.json');
    writeFileSync(member, stackSet?.Properties.TemplateBody ?? '');

    const awsNative = JSON.parse(readFileSync(templates[1]!, 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const remediations = Object.values(awsNative.Resources).filter(
      (r) => r.Type === 'AWS::Config::RemediationConfiguration',
    );
    expect(remediations).toHaveLength(2);

    const lint = await cfnLint([...templates, member]);
    expect(lint.exitCode, `${lint.stdout}${lint.stderr}`).toBe(0);
  });
});

describe('keywarden synth: bad input', () => {
  it('names the policy file that does not exist, exit 2, nothing written', async () => {
    const cwd = emptyDir('synth-');
    const result = await runCli(['synth', '--config', 'missing.yaml'], { cwd });
    expect(result).toMatchObject({
      exitCode: 2,
      stderr: 'keywarden: --config: policy file not found: missing.yaml\n',
    });
    expect(existsSync(join(cwd, 'cdk.out'))).toBe(false);
  });

  it('refuses an invalid policy before synthesizing, naming the field', async () => {
    const cwd = emptyDir('synth-');
    writeFileSync(join(cwd, 'keywarden.yaml'), 'version: 1\nrules:\n  KEY_ROTATION: { maxKeyAgeDays: -1 }\n');
    const result = await runCli(['synth'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^keywarden: .*maxKeyAgeDays/);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });

  it('refuses an unknown --access-keys-rotated-remediation in one line, before reading the policy', async () => {
    const cwd = emptyDir('synth-');
    const result = await runCli(['synth', '--access-keys-rotated-remediation', 'rotate'], { cwd });
    expect(result).toMatchObject({
      exitCode: 2,
      stderr:
        'keywarden: --access-keys-rotated-remediation: must be one of notify, revoke-unused-credentials (got "rotate")\n',
    });
    expect(existsSync(join(cwd, 'cdk.out'))).toBe(false);
  });

  it('refuses an --out that is a file', async () => {
    const cwd = emptyDir('synth-');
    mkdirSync(join(cwd, 'dir'));
    writeFileSync(join(cwd, 'dir', 'file'), '');
    const result = await runCli(['synth', '--out', 'dir/file'], { cwd });
    expect(result).toMatchObject({
      exitCode: 2,
      stderr: 'keywarden: --out: dir/file is a file; name a folder for the cloud assembly\n',
    });
  });

  it('has --help with examples', async () => {
    const result = await runCli(['synth', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Examples:\n  $ keywarden synth\n');
  });
});
