import type { Command } from 'commander';
import { ADMIN_PREFIX, startEmulator } from '../../emulator/server.js';
import { CliError, parseIntegerOption } from '../errors.js';
import type { CliIO } from '../io.js';
import { DEMO_WORLD_PATH } from '../paths.js';
import { loadWorld } from '../world-loader.js';

interface SandboxOptions {
  readonly world?: string;
  readonly port: string;
  readonly seed: string;
}

export function registerSandbox(program: Command, io: CliIO): void {
  program
    .command('sandbox')
    .description(
      'Run the local AWS emulator (IAM, STS, SNS, SSM, Secrets Manager, Organizations, SES, Config) on 127.0.0.1',
    )
    .option('--world <file>', 'world file (YAML or JSON) to serve; default: the demo world')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '4566')
    .option('--seed <n>', 'seed for generated ids and secrets', '1')
    .addHelpText(
      'after',
      `
Examples:
  $ keywarden sandbox
  $ keywarden sandbox --world worlds/demo.yaml --port 4567
  $ AWS_ENDPOINT_URL=http://127.0.0.1:4566 aws iam list-users      # in another terminal

The emulator's clock ticks with wall time; move it with
  curl -X POST http://127.0.0.1:4566${ADMIN_PREFIX}clock -d '{"advanceDays": 30}'`,
    )
    .action(async (options: SandboxOptions) => {
      const port = parseIntegerOption('--port', options.port, 0, 65535);
      const seed = parseIntegerOption('--seed', options.seed, 0, 2 ** 31 - 1);
      const worldPath = options.world ?? DEMO_WORLD_PATH;
      const world = await loadWorld(io.cwd, worldPath);
      const emulator = await startEmulator({ world, port, seed, clock: { frozen: false } }).catch(
        (error: unknown) => {
          throw new CliError(
            `cannot start the sandbox: ${error instanceof Error ? error.message : String(error)}`,
          );
        },
      );
      const accounts = [...emulator.state.accounts.values()];
      const users = accounts.reduce((n, a) => n + a.iam.users.size, 0);
      io.stdout.write(
        [
          `Keywarden sandbox: AWS emulator listening on ${emulator.url}`,
          `World: ${options.world ?? 'demo'} (${accounts.length} accounts, ${users} users; default account ${emulator.state.defaultAccountId})`,
          '',
          'Point the AWS CLI and SDKs at it:',
          `  export AWS_ENDPOINT_URL=${emulator.url}`,
          // The AWS CLI v1 reads only AWS_DEFAULT_REGION; the SDKs and CLI v2 read AWS_REGION.
          '  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1',
          '',
          `Admin routes (clock, call counters, published messages), listed at ${emulator.url}${ADMIN_PREFIX}`,
          'Press Ctrl+C to stop.',
          '',
        ].join('\n'),
      );
      await io.takeInterrupts();
      await emulator.stop();
      io.stderr.write('sandbox stopped\n');
    });
}
