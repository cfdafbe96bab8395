import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { ADMIN_PREFIX, startEmulator } from '../../emulator/server.js';
import {
  removePidFile,
  type SandboxPidFile,
  type SandboxReady,
  startDetachedSandbox,
  stopDetachedSandbox,
} from '../detached-sandbox.js';
import { CliError, parseIntegerOption } from '../errors.js';
import type { CliIO } from '../io.js';
import { DEMO_WORLD_PATH, stateDirectory } from '../paths.js';
import { loadWorld } from '../world-loader.js';

interface SandboxOptions {
  readonly world?: string;
  readonly port?: string;
  readonly seed: string;
  readonly detach?: boolean;
  readonly stop?: boolean;
  /** Given to the background process by --detach: where it says it is listening. */
  readonly pidFile?: string;
}

const DEFAULT_PORT = '4566';

/** The AWS CLI v1 reads only AWS_DEFAULT_REGION; the SDKs and CLI v2 read AWS_REGION. */
const DUMMY_ENV =
  'AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1';

export function registerSandbox(program: Command, io: CliIO): void {
  program
    .command('sandbox')
    .description(
      'Run the local AWS emulator (IAM, STS, SNS, SSM, Secrets Manager, Organizations, SES, Config) on 127.0.0.1',
    )
    .option('--world <file>', 'world file (YAML or JSON) to serve; default: the demo world')
    .option(
      '--port <port>',
      `port to listen on (0 picks a free one; default: KEYWARDEN_SANDBOX_PORT, else ${DEFAULT_PORT})`,
    )
    .option('--seed <n>', 'seed for generated ids and secrets', '1')
    .option(
      '--detach',
      'run in the background: return once it listens, printing the export lines for the AWS CLI and SDKs',
    )
    .option('--stop', 'stop the sandbox --detach started')
    .addOption(new Option('--pid-file <path>').hideHelp())
    .addHelpText(
      'after',
      `
Examples:
  $ keywarden sandbox                                   # in the foreground; Ctrl+C stops it
  $ keywarden sandbox --world worlds/demo.yaml --port 4567
  $ eval "$(keywarden sandbox --detach)"                # in the background; sets AWS_ENDPOINT_URL and test keys
  $ aws iam list-users
  $ keywarden sandbox --stop

--detach starts the sandbox as a background process, waits until it accepts requests and prints
the export lines (AWS_ENDPOINT_URL, dummy keys, region) on stdout, and its pid, log and how to stop
it on stderr. One detached sandbox at a time: its pid file and log are in the state directory
($XDG_STATE_HOME/keywarden, else ~/.local/state/keywarden). --stop stops it and returns once it no
longer listens (or: kill PID). KEYWARDEN_SANDBOX_PORT sets the default port (e.g. when LocalStack
has 4566).

The emulator's clock ticks with wall time; move it with
  curl -X POST http://127.0.0.1:4566${ADMIN_PREFIX}clock -d '{"advanceDays": 30}'`,
    )
    .action(async (options: SandboxOptions) => {
      if (options.stop) {
        if (options.detach) throw new CliError('--stop: not with --detach');
        await stop(io);
        return;
      }
      const portField =
        options.port === undefined && io.env.KEYWARDEN_SANDBOX_PORT ? 'KEYWARDEN_SANDBOX_PORT' : '--port';
      const port = parseIntegerOption(
        portField,
        options.port ?? (io.env.KEYWARDEN_SANDBOX_PORT || DEFAULT_PORT),
        0,
        65535,
      );
      const seed = parseIntegerOption('--seed', options.seed, 0, 2 ** 31 - 1);
      if (options.detach) {
        await detach(io, { port, seed, world: options.world });
        return;
      }
      await serve(io, { port, seed, world: options.world, pidFile: options.pidFile });
    });
}

/** In the foreground (also as the background process --detach starts, with `pidFile`). */
async function serve(
  io: CliIO,
  options: { port: number; seed: number; world: string | undefined; pidFile: string | undefined },
): Promise<void> {
  const world = await loadWorld(io.cwd, options.world ?? DEMO_WORLD_PATH);
  const emulator = await startEmulator({
    world,
    port: options.port,
    seed: options.seed,
    clock: { frozen: false },
  }).catch((error: unknown) => {
    throw new CliError(`cannot start the sandbox: ${error instanceof Error ? error.message : String(error)}`);
  });
  const accounts = [...emulator.state.accounts.values()];
  const users = accounts.reduce((n, a) => n + a.iam.users.size, 0);
  io.stdout.write(
    [
      `Keywarden sandbox: AWS emulator listening on ${emulator.url}`,
      `World: ${options.world ?? 'demo'} (${accounts.length} accounts, ${users} users; default account ${emulator.state.defaultAccountId})`,
      '',
      'Point the AWS CLI and SDKs at it:',
      `  export AWS_ENDPOINT_URL=${emulator.url}`,
      `  export ${DUMMY_ENV}`,
      '',
      `Admin routes (clock, call counters, published messages), listed at ${emulator.url}${ADMIN_PREFIX}`,
      options.pidFile === undefined ? 'Press Ctrl+C to stop.' : 'Stop it with: keywarden sandbox --stop',
      '',
    ].join('\n'),
  );
  if (options.pidFile !== undefined) {
    const record: SandboxPidFile = {
      pid: process.pid,
      url: emulator.url,
      startedAt: new Date().toISOString(),
    };
    writeFileSync(options.pidFile, `${JSON.stringify(record)}\n`);
    const ready: SandboxReady = {
      kind: 'keywarden-sandbox-ready',
      url: emulator.url,
      accounts: accounts.length,
      users,
      defaultAccountId: emulator.state.defaultAccountId,
    };
    process.send?.(ready);
  }
  await io.takeInterrupts();
  await emulator.stop();
  if (options.pidFile !== undefined) removePidFile(options.pidFile, process.pid);
  io.stderr.write('sandbox stopped\n');
}

async function detach(
  io: CliIO,
  options: { port: number; seed: number; world: string | undefined },
): Promise<void> {
  const args = [
    '--port',
    String(options.port),
    '--seed',
    String(options.seed),
    ...(options.world === undefined ? [] : ['--world', resolve(io.cwd, options.world)]),
  ];
  const started = await startDetachedSandbox({
    stateDir: stateDirectory(io.env),
    args,
    env: io.env,
    cwd: io.cwd,
  });
  io.stdout.write(`export AWS_ENDPOINT_URL=${started.url}\nexport ${DUMMY_ENV}\n`);
  io.stderr.write(
    `keywarden: sandbox (pid ${started.pid}) listening on ${started.url} in the background: ` +
      `world ${options.world ?? 'demo'} (${started.accounts} accounts, ${started.users} users; default account ${started.defaultAccountId}); ` +
      `log: ${started.log}\n` +
      `keywarden: stop it with: keywarden sandbox --stop (or: kill ${started.pid})\n`,
  );
}

async function stop(io: CliIO): Promise<void> {
  const out = await stopDetachedSandbox(stateDirectory(io.env));
  switch (out.kind) {
    case 'not-running':
      io.stderr.write(`keywarden: no detached sandbox to stop (no ${out.pidFile})\n`);
      return;
    case 'already-stopped':
      io.stderr.write(
        `keywarden: the sandbox (pid ${out.pid}) had already stopped; removed ${out.pidFile}\n`,
      );
      return;
    case 'not-the-sandbox':
      io.stderr.write(
        `keywarden: nothing listens at ${out.url}, so pid ${out.pid} is no longer the sandbox and was left alone; removed ${out.pidFile}\n`,
      );
      return;
    case 'stopped':
      io.stderr.write(`keywarden: sandbox (pid ${out.pid}) on ${out.url} stopped\n`);
      return;
    default:
      return out satisfies never;
  }
}
