/**
 * The CLI entry point: builds the commander program and is the one place that turns an error into
 * one line on stderr and an exit code (a CliError's own, else 2: usage, policy, credentials or
 * input). A command that completes sets its own code (1 findings or failures, 3 a partial result,
 * 4 held by a run that stopped heartbeating, 130/143 stopped; README.md lists them).
 *
 * The global flags (`--no-color`, `--quiet`, `--verbose`, `--log-format`) are the program's, so they
 * work before or after the command's name and every command's help lists them. They are read once,
 * before the command runs: into the log behind `io.stderr` (src/cli/log.ts), and `--no-color` into
 * the environment the command sees, as `NO_COLOR`, which every renderer already honours.
 */
import { Command, CommanderError, Option } from 'commander';
import { registerApply } from './commands/apply.js';
import { registerAudit } from './commands/audit.js';
import { registerCompletion } from './commands/completion.js';
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
import { CliLog, LOG_FORMATS, type LogFormat, logOf } from './log.js';
import { VERSION } from './paths.js';
import { type CliSeams, newSession, type Session } from './session.js';

interface GlobalFlags {
  /** false with `--no-color`. */
  readonly color: boolean;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  readonly logFormat: LogFormat;
}

/** The flags every command takes, before or after its name. */
function addGlobalOptions(program: Command): Command {
  return program
    .option('--no-color', 'no ANSI colors in tables and plans (also NO_COLOR)')
    .addOption(
      new Option('-q, --quiet', 'only warnings and errors on stderr: no progress or info lines').conflicts(
        'verbose',
      ),
    )
    .option(
      '-v, --verbose',
      'also log every AWS call on stderr: operation, account, region, duration, attempts (never a parameter or a secret)',
    )
    .addOption(
      new Option('--log-format <format>', 'stderr lines as text, or json: one JSON object per line')
        .choices(LOG_FORMATS)
        .default('text'),
    );
}

/**
 * The program; its commands get `io` with stderr behind the CLI's log. `io.stderr` already a
 * {@link CliLog} (main's) is used as it is.
 */
export function buildProgram(given: CliIO, session: Session, setExitCode: (code: number) => void): Command {
  const log = logOf(given);
  let noColor = false;
  const io: CliIO = {
    ...given,
    stderr: log,
    get env() {
      return noColor ? { ...given.env, NO_COLOR: '1' } : given.env;
    },
  };
  const program = new Command('keywarden')
    .description('Keeps AWS IAM user credentials healthy: audit, rotate, revoke, notify.')
    // The Node version too: bug reports need both, and the engines field allows several.
    .version(`keywarden ${VERSION} (node ${process.version})`, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .configureHelp({ showGlobalOptions: true })
    .hook('preAction', (_program, command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      noColor = flags.color === false;
      log.configure({
        verbosity: flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal',
        format: flags.logFormat,
      });
    })
    .addHelpText(
      'after',
      `
Examples:
  $ keywarden demo                      # audit the built-in demo organization, no AWS account needed
  $ keywarden sandbox                   # run the local AWS emulator for the AWS CLI and SDKs
  $ keywarden audit --quiet             # only warnings and errors on stderr
  $ keywarden audit --verbose --log-format json   # every AWS call, as JSON lines on stderr
  $ keywarden <command> --help`,
    );
  addGlobalOptions(program);
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
  registerCompletion(program, io, VERSION);
  for (const command of program.commands) {
    command
      .exitOverride()
      .configureOutput({
        writeOut: (s) => io.stdout.write(s),
        writeErr: (s) => io.stderr.write(s),
      })
      .configureHelp({ showGlobalOptions: true });
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
  const log = new CliLog(io.stderr);
  // Commander's own usage errors come before the flags are read: `--log-format json` is looked for
  // here first, so even those are JSON.
  const formatAt = argv.indexOf('--log-format');
  if (argv.includes('--log-format=json') || (formatAt >= 0 && argv[formatAt + 1] === 'json')) {
    log.configure({ verbosity: 'normal', format: 'json' });
  }
  const program = buildProgram({ ...io, stderr: log }, session, (code) => {
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
    log.error(failure.message.split('\n')[0] ?? '');
    return failure.exitCode;
  } finally {
    log.flush();
  }
}
