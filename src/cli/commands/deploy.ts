import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { ACCESS_KEYS_ROTATED_CONTEXT_KEY } from '../../core/deployment.js';
import { policyFileForm } from '../../core/policy/file-form.js';
import { connectionFrom } from '../connection.js';
import { CliError, parseChoice } from '../errors.js';
import type { CliIO } from '../io.js';
import { loadPolicy } from '../policy-loader.js';
import { ACCESS_KEYS_ROTATED_HELP, accessKeysRotatedRemediation, outDir } from './synth.js';

/** The stacks `keywarden synth` writes (src/infra/app.ts STACK_NAMES; kept here so --help loads no CDK). */
const DEPLOYABLE_STACKS = ['KeywardenAccount', 'KeywardenAwsNative', 'KeywardenOrganization'] as const;
const APPROVAL_LEVELS = ['never', 'any-change', 'broadening'] as const;

/** The package root (this file is src/cli/commands or dist/cli/commands). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The CDK app the CDK CLI runs: the built entry, so it works from an installed package too. */
const CDK_APP_ENTRY = join(PACKAGE_ROOT, 'dist', 'infra', 'main.js');

/** The CDK CLI to run: KEYWARDEN_CDK_CLI if set, else the aws-cdk package Keywarden depends on. */
function cdkCli(env: NodeJS.ProcessEnv): string {
  return env.KEYWARDEN_CDK_CLI || createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');
}

interface CdkDeployArgs {
  readonly stacks: readonly string[];
  readonly policyFile: string;
  readonly policySource: string | null;
  readonly outdir: string;
  readonly profile?: string;
  readonly requireApproval?: string;
  readonly parameters: readonly string[];
  readonly accessKeysRotatedRemediation?: string;
}

/** The CDK CLI's arguments for `keywarden deploy`. */
function cdkDeployArgs(a: CdkDeployArgs): string[] {
  return [
    'deploy',
    ...a.stacks,
    // A JavaScript file: the CDK CLI runs it with its own node, quoting the path itself.
    '--app',
    CDK_APP_ENTRY,
    '--context',
    `keywarden:config=${a.policyFile}`,
    ...(a.policySource === null ? [] : ['--context', `keywarden:source=${a.policySource}`]),
    ...(a.accessKeysRotatedRemediation === undefined
      ? []
      : ['--context', `${ACCESS_KEYS_ROTATED_CONTEXT_KEY}=${a.accessKeysRotatedRemediation}`]),
    '--output',
    a.outdir,
    '--no-notices',
    ...(a.profile === undefined ? [] : ['--profile', a.profile]),
    ...(a.requireApproval === undefined ? [] : ['--require-approval', a.requireApproval]),
    ...a.parameters.flatMap((p) => ['--parameters', p]),
  ];
}

interface DeployFlags {
  readonly config?: string;
  readonly out: string;
  readonly profile?: string;
  readonly region?: string;
  readonly requireApproval?: string;
  readonly parameter: string[];
  readonly accessKeysRotatedRemediation?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerDeploy(program: Command, io: CliIO): void {
  program
    .command('deploy')
    .description(
      'Deploy a Keywarden stack with the CDK CLI (needs AWS credentials and a bootstrapped account)',
    )
    .argument('[stacks...]', `${DEPLOYABLE_STACKS.join(' or ')}`, [DEPLOYABLE_STACKS[0]])
    .option(
      '--config <file>',
      'the policy the handlers run (default: ./keywarden.yaml if present, else the defaults)',
    )
    .option('--profile <name>', 'AWS named profile the CDK CLI deploys with')
    .option('--region <region>', 'the region to deploy to (default: the profile’s or AWS_REGION)')
    .option(
      '--require-approval <level>',
      `when the CDK CLI asks before deploying: ${APPROVAL_LEVELS.join(', ')}`,
    )
    .option(
      '--parameter <STACK:NAME=VALUE>',
      'a CloudFormation parameter, e.g. KeywardenAccount:NotificationEmail=sec@example.com (repeatable)',
      collect,
      [],
    )
    .option('--access-keys-rotated-remediation <remedy>', ACCESS_KEYS_ROTATED_HELP)
    .option('--out <dir>', 'the cloud assembly folder', 'cdk.out')
    .addHelpText(
      'after',
      `
Runs the CDK CLI of the aws-cdk package Keywarden installs (KEYWARDEN_CDK_CLI names another) with
--app pointing at Keywarden's CDK app; the policy is checked first. Deploy KeywardenAccount or
KeywardenAwsNative in an account, not both. KeywardenOrganization goes once in the management account
or a delegated administrator (docs/deploy.md). Bootstrap the account once: npx cdk bootstrap.

Exit codes: 0 deployed, 1 the CDK CLI failed, 2 bad flag or policy.

Examples:
  $ keywarden deploy --profile prod
  $ keywarden deploy KeywardenAccount --config keywarden.yaml --profile prod --region us-east-1
  $ keywarden deploy --parameter KeywardenAccount:NotificationEmail=security@example.com --require-approval never
  $ keywarden deploy KeywardenAwsNative --parameter KeywardenAwsNative:MaxAccessKeyAge=60
  $ keywarden deploy KeywardenOrganization --parameter KeywardenOrganization:OrganizationId=o-abcd123456 \
      --parameter KeywardenOrganization:MemberOrganizationalUnitIds=ou-abcd-11112222 --profile management`,
    )
    .action(async (stacks: string[], flags: DeployFlags) => {
      for (const stack of stacks) parseChoice('stack', stack, DEPLOYABLE_STACKS);
      if (flags.requireApproval !== undefined) {
        parseChoice('--require-approval', flags.requireApproval, APPROVAL_LEVELS);
      }
      for (const p of flags.parameter) {
        if (!/^(KeywardenAccount|KeywardenAwsNative|KeywardenOrganization):[A-Za-z0-9]+=/.test(p)) {
          throw new CliError(
            `--parameter: must be STACK:NAME=VALUE, e.g. KeywardenAccount:MaxActions=20 (got ${JSON.stringify(p)})`,
          );
        }
      }
      const remedy = accessKeysRotatedRemediation(flags.accessKeysRotatedRemediation, io);
      // A named profile that does not exist is one line here, not a CDK stack trace later.
      if (flags.profile !== undefined) connectionFrom({ profile: flags.profile }, io);
      const loaded = loadPolicy({ cwd: io.cwd, config: flags.config });
      for (const w of loaded.warnings) io.stderr.write(`keywarden: warning: ${w}\n`);
      const outdir = outDir(io.cwd, flags.out);

      // The app reads exactly the policy checked here: the effective policy, written as a policy file.
      const policyDir = mkdtempSync(join(tmpdir(), 'keywarden-deploy-'));
      const policyFile = join(policyDir, 'keywarden.yaml');
      writeFileSync(policyFile, stringify(policyFileForm(loaded.policy)));
      const args = cdkDeployArgs({
        stacks,
        policyFile,
        policySource: loaded.source,
        outdir,
        ...(flags.profile === undefined ? {} : { profile: flags.profile }),
        ...(flags.requireApproval === undefined ? {} : { requireApproval: flags.requireApproval }),
        parameters: flags.parameter,
        ...(remedy === undefined ? {} : { accessKeysRotatedRemediation: remedy }),
      });
      const env: NodeJS.ProcessEnv = {
        ...io.env,
        CDK_DISABLE_CLI_TELEMETRY: '1',
        ...(flags.region === undefined ? {} : { AWS_REGION: flags.region, AWS_DEFAULT_REGION: flags.region }),
      };
      try {
        const code = await run(process.execPath, [cdkCli(io.env), ...args], {
          // Keywarden's cdk.json (notices and telemetry off), not one in the user's folder.
          cwd: PACKAGE_ROOT,
          env,
          stdout: io.stdout,
          stderr: io.stderr,
        });
        if (code !== 0) throw new CliError(`the CDK CLI exited with ${code}; its messages are above`, 1);
      } finally {
        rmSync(policyDir, { recursive: true, force: true });
      }
    });
}

/** Runs a process with its output copied to ours; resolves to its exit code. */
function run(
  command: string,
  args: readonly string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
  },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => options.stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => options.stderr.write(chunk));
    child.once('error', (error) =>
      reject(
        new CliError(`cannot run the CDK CLI (${command} ${args[0]}): ${error.message}`, 2, { cause: error }),
      ),
    );
    child.once('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
