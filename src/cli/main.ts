/**
 * The CLI entry point: builds the commander program and is the one place that turns an error into
 * one line on stderr and an exit code (a CliError's own, else 2: usage, policy, credentials or
 * input). A command that completes sets its own code (1 findings or failures, 3 a partial result,
 * 4 held by a run that stopped heartbeating, 130/143 stopped; README.md lists them).
 */
import { Command, CommanderError } from 'commander';
import { registerApply } from './commands/apply.js';
import { registerAudit } from './commands/audit.js';
import { registerDemo } from './commands/demo.js';
import { registerDeploy } from './commands/deploy.js';
import { registerForecast } from './commands/forecast.js';
import { registerHistory } from './commands/history.js';
import { registerInit } from './commands/init.js';
import { registerInvoke } from './commands/invoke.js';
import { registerJournal } from './commands/journal.js';
import { registerPlan } from './commands/plan.js';
import { registerRotate } from './commands/rotate.js';
import { registerRules } from './commands/rules.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerSynth } from './commands/synth.js';
import { registerUndo } from './commands/undo.js';
import { registerValidate } from './commands/validate.js';
import { awsFailure } from './connection.js';
import { type CliIO, processIO } from './io.js';
import { VERSION } from './paths.js';
import { type CliSeams, newSession, type Session } from './session.js';

export function buildProgram(io: CliIO, session: Session, setExitCode: (code: number) => void): Command {
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
  registerAudit(program, io, session, setExitCode);
  registerInit(program, io);
  registerPlan(program, io, session, setExitCode);
  registerForecast(program, io, session);
  registerApply(program, io, session, setExitCode);
  registerRotate(program, io, session, setExitCode);
  registerUndo(program, io, session, setExitCode);
  registerHistory(program, io, session);
  registerJournal(program, io, session);
  registerValidate(program, io);
  registerRules(program, io);
  registerSandbox(program, io);
  registerInvoke(program, io, session, setExitCode);
  registerSynth(program, io);
  registerDeploy(program, io);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  }
  return program;
}

/** Runs the CLI; resolves to the process exit code. Never throws. */
export async function main(
  argv: readonly string[],
  io: CliIO = processIO(),
  seams: CliSeams = {},
): Promise<number> {
  let exitCode = 0;
  const session = newSession(seams);
  const program = buildProgram(io, session, (code) => {
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
    // The one mapping from what a command threw to the line and exit code the user sees.
    const failure = awsFailure(error, session.connection ?? {});
    io.stderr.write(`keywarden: ${failure.message.split('\n')[0]}\n`);
    return failure.exitCode;
  }
}
