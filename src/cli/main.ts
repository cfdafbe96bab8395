/**
 * The CLI entry point: builds the commander program and is the one place that turns errors into
 * exit codes (0 ok, 1 findings/failures, 2 usage, policy, credentials or input errors).
 */
import { Command, CommanderError } from 'commander';
import { JournalError } from '../journal/journal.js';
import { registerApply } from './commands/apply.js';
import { registerAudit } from './commands/audit.js';
import { registerDemo } from './commands/demo.js';
import { registerForecast } from './commands/forecast.js';
import { registerHistory } from './commands/history.js';
import { registerInit } from './commands/init.js';
import { registerPlan } from './commands/plan.js';
import { registerRotate } from './commands/rotate.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerUndo } from './commands/undo.js';
import { registerValidate } from './commands/validate.js';
import { CliError } from './errors.js';
import { type CliIO, processIO } from './io.js';
import { VERSION } from './paths.js';

export function buildProgram(io: CliIO, setExitCode: (code: number) => void): Command {
  const program = new Command('keywarden')
    .description('Keeps AWS IAM user credentials healthy: audit, rotate, revoke, notify.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ keywarden demo                      # audit the built-in demo organization, no AWS account needed
  $ keywarden sandbox                   # run the local AWS emulator for the AWS CLI and SDKs
  $ keywarden <command> --help`,
    );
  registerDemo(program, io, setExitCode);
  registerAudit(program, io, setExitCode);
  registerInit(program, io);
  registerPlan(program, io);
  registerForecast(program, io);
  registerApply(program, io, setExitCode);
  registerRotate(program, io, setExitCode);
  registerUndo(program, io, setExitCode);
  registerHistory(program, io);
  registerValidate(program, io);
  registerSandbox(program, io);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  }
  return program;
}

/** Runs the CLI; resolves to the process exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return 0;
      }
      // commander already printed its one-line message
      return 2;
    }
    if (error instanceof CliError || error instanceof JournalError) {
      io.stderr.write(`keywarden: ${error.message}\n`);
      return error instanceof CliError ? error.exitCode : 2;
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.stderr.write(`keywarden: unexpected error: ${message.split('\n')[0]}\n`);
    return 2;
  }
}
