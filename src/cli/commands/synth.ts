import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  ACCESS_KEYS_ROTATED_REMEDIATIONS,
  type AccessKeysRotatedRemediation,
  REVOKE_RUNBOOK_PAIRING_WARNING,
} from '../../core/deployment.js';
import { CliError, parseChoice } from '../errors.js';
import type { CliIO } from '../io.js';
import { loadPolicy } from '../policy-loader.js';

interface SynthFlags {
  readonly out: string;
  readonly config?: string;
  readonly accessKeysRotatedRemediation?: string;
}

/** The `--access-keys-rotated-remediation` option's help, the same on `synth` and `deploy`. */
export const ACCESS_KEYS_ROTATED_HELP =
  "KeywardenAwsNative's remedy for ACCESS_KEYS_ROTATED: notify (default: a notice to the stack's topic) or revoke-unused-credentials (also the revoke runbook, which never rotates; warned)";

/**
 * The `--access-keys-rotated-remediation` flag, checked; `revoke-unused-credentials` is warned about
 * on stderr, since that pairing can switch off a key in use with no replacement.
 */
export function accessKeysRotatedRemediation(
  flag: string | undefined,
  io: CliIO,
): AccessKeysRotatedRemediation | undefined {
  if (flag === undefined) return undefined;
  const choice = parseChoice('--access-keys-rotated-remediation', flag, ACCESS_KEYS_ROTATED_REMEDIATIONS);
  if (choice === 'revoke-unused-credentials')
    io.stderr.write(`keywarden: warning: ${REVOKE_RUNBOOK_PAIRING_WARNING}\n`);
  return choice;
}

/** The folder `--out` names, or a one-line error when a file is in the way. */
export function outDir(cwd: string, out: string): string {
  const path = resolve(cwd, out);
  if (statSync(path, { throwIfNoEntry: false })?.isFile()) {
    throw new CliError(`--out: ${out} is a file; name a folder for the cloud assembly`);
  }
  return path;
}

/**
 * What the user reads when the synth fails. A failed check (cdk-nag, the CloudFormation validation)
 * comes with its report, which goes to stderr whole; anything else is one line.
 */
function synthFailure(error: unknown): { readonly report: string | null; readonly error: CliError } {
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'ValidationFailed') {
    const file = /report can be found in: (\S+)/.exec(text)?.[1];
    return {
      report: text,
      error: new CliError(
        `synth failed: the checks above found problems${file ? ` (report: ${file})` : ''}`,
        1,
        { cause: error },
      ),
    };
  }
  return { report: null, error: new CliError(`synth failed: ${text.split('\n')[0]}`, 1, { cause: error }) };
}

export function registerSynth(program: Command, io: CliIO): void {
  program
    .command('synth')
    .description(
      'Write the CloudFormation templates of the KeywardenAccount, KeywardenAwsNative and KeywardenOrganization stacks, offline (no AWS credentials)',
    )
    .option('--out <dir>', 'the cloud assembly folder (templates and bundled handlers)', 'cdk.out')
    .option(
      '--config <file>',
      'the policy the handlers run (default: ./keywarden.yaml if present, else the defaults)',
    )
    .option('--access-keys-rotated-remediation <remedy>', ACCESS_KEYS_ROTATED_HELP)
    .addHelpText(
      'after',
      `
Bundles the Lambda handlers with the local esbuild, validates the templates and runs cdk-nag's
AwsSolutions checks (the member role template KeywardenOrganization's StackSets deploy included); any
unacknowledged finding fails the synth. Reads no AWS configuration.

Exit codes: 0 written, 1 the synth failed (findings are printed above), 2 bad flag or policy.

Examples:
  $ keywarden synth
  $ keywarden synth --config keywarden.yaml --out build/cdk.out
  $ keywarden synth --access-keys-rotated-remediation revoke-unused-credentials   # the AWS articles' pairing (warned)
  $ cfn-lint --ignore-checks W3005 -- cdk.out/*.template.json
  $ keywarden deploy KeywardenAccount --config keywarden.yaml --profile prod`,
    )
    .action(async (flags: SynthFlags) => {
      const remedy = accessKeysRotatedRemediation(flags.accessKeysRotatedRemediation, io);
      const loaded = loadPolicy({ cwd: io.cwd, config: flags.config });
      for (const w of loaded.warnings) io.stderr.write(`keywarden: warning: ${w}\n`);
      const outdir = outDir(io.cwd, flags.out);
      // aws-cdk-lib is large: only this command loads it.
      const { STACK_NAMES, synthesizeApp } = await import('../../infra/app.js');
      let result: Awaited<ReturnType<typeof synthesizeApp>>;
      try {
        result = synthesizeApp({
          policy: loaded.policy,
          ...(loaded.source === null ? {} : { policySource: loaded.source }),
          ...(remedy === undefined ? {} : { accessKeysRotatedRemediation: remedy }),
          outdir,
        });
      } catch (error) {
        const failure = synthFailure(error);
        if (failure.report !== null) io.stderr.write(`${failure.report}\n`);
        throw failure.error;
      }
      const shown = (path: string) => relative(io.cwd, path) || path;
      io.stdout.write(
        [
          `Wrote the CloudFormation templates (policy: ${loaded.source ?? 'defaults'}; cloud assembly: ${shown(result.outdir)}):`,
          `  ${STACK_NAMES.account.padEnd(22)}${shown(result.templates.account)}`,
          `  ${STACK_NAMES.awsNative.padEnd(22)}${shown(result.templates.awsNative)}`,
          `  ${STACK_NAMES.organization.padEnd(22)}${shown(result.templates.organization)}`,
          'Checked: CloudFormation validation, cdk-nag AwsSolutions (no unacknowledged finding).',
          `Deploy one of them: keywarden deploy ${STACK_NAMES.account}${flags.config ? ` --config ${flags.config}` : ''} --profile NAME`,
          '',
        ].join('\n'),
      );
    });
}
