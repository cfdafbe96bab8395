import type { Command } from 'commander';
import { stringify } from 'yaml';
import { policyFileForm } from '../../core/policy/file-form.js';
import { enabledRuleIds } from '../../core/policy/types.js';
import { channelProblems } from '../../engine/notify.js';
import { firstOf } from '../errors.js';
import type { CliIO } from '../io.js';
import { loadPolicy } from '../policy-loader.js';

interface ValidateFlags {
  readonly config?: string;
  readonly preset?: string;
  readonly maxKeyAgeDays?: string;
  readonly unusedDays?: string;
  readonly print?: boolean;
}

export function registerValidate(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description(
      'Check a policy file (and flags) without calling AWS; print the effective policy with --print',
    )
    .option('--config <file>', 'policy file (default: ./keywarden.yaml if present)')
    .option(
      '--preset <name>',
      'aws-config, cis (v3.0.0), cis-3.0.0, cis-1.4.0, cis-1.2.0 or rotation-165-180-185',
    )
    .option('--max-key-age-days <n>', 'KEY_ROTATION threshold override')
    .option('--unused-days <n>', 'UNUSED_CREDENTIALS threshold override')
    .option(
      '--print',
      'print the effective policy as a policy file (YAML) on stdout; the summary goes to stderr',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 valid, 2 invalid (the first problem on one line, naming the field and the value).

Examples:
  $ keywarden validate
  $ keywarden validate --config examples/keywarden.yaml --print
  $ keywarden validate --preset cis --unused-days 30 --print > keywarden.yaml`,
    )
    .action((flags: ValidateFlags) => {
      const loaded = loadPolicy({
        cwd: io.cwd,
        config: flags.config,
        preset: flags.preset,
        overrides: { maxKeyAgeDays: flags.maxKeyAgeDays, unusedDays: flags.unusedDays },
      });
      for (const w of loaded.warnings) io.stderr.write(`keywarden: warning: ${w}\n`);
      const p = loaded.policy;
      const channels = channelProblems(p.notifications, io.env);
      if (channels.length > 0) throw firstOf(channels, 'a notification channel cannot be resolved');
      const summary =
        `${loaded.source ?? 'defaults'}${p.preset ? ` (preset ${p.preset})` : ''}: valid · rules ${enabledRuleIds(p).join(', ')} · ` +
        `maxKeyAgeDays ${p.rules.KEY_ROTATION.maxKeyAgeDays} · unusedDays ${p.rules.UNUSED_CREDENTIALS.unusedDays}\n`;
      if (!flags.print) {
        io.stdout.write(summary);
        return;
      }
      // stdout carries only the policy file, so `validate --print > f.yaml` gives a file to read back.
      io.stderr.write(`keywarden: ${summary}`);
      io.stdout.write(stringify(policyFileForm(p)));
    });
}
