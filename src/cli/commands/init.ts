import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_POLICY_YAML } from '../../core/policy/init-text.js';
import { CliError } from '../errors.js';
import type { CliIO } from '../io.js';
import { outputError, writeOutputFile } from '../output-file.js';

export function registerInit(program: Command, io: CliIO): void {
  program
    .command('init')
    .description('Write a commented default policy file (keywarden.yaml)')
    .option('--config <file>', 'where to write it', 'keywarden.yaml')
    .option('--force', 'overwrite an existing file')
    .addHelpText(
      'after',
      '\nExamples:\n  $ keywarden init\n  $ keywarden init --config policies/prod.yaml --force',
    )
    .action((flags: { config: string; force?: boolean }) => {
      const path = resolve(io.cwd, flags.config);
      if (isDirectory(path)) {
        throw outputError('--config', flags.config, io.cwd, { code: 'EISDIR' });
      }
      if (existsSync(path) && !flags.force) {
        throw new CliError(`--config: ${flags.config} already exists; pass --force to overwrite it`);
      }
      writeOutputFile('--config', io.cwd, flags.config, DEFAULT_POLICY_YAML, { createDirectory: true });
      io.stdout.write(`wrote ${flags.config}; edit it, then run: keywarden audit\n`);
    });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
