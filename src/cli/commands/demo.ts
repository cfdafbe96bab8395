import { relative, resolve } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Command } from 'commander';
import { clientConfig, createClients } from '../../aws/clients.js';
import { type AccountAuditOrError, buildAuditReport } from '../../core/audit.js';
import { startEmulator } from '../../emulator/server.js';
import { auditAccount } from '../../engine/audit.js';
import { demoRemediation } from '../demo-remediation.js';
import { CliError } from '../errors.js';
import { type CliIO, outputColumns } from '../io.js';
import { writeOutputFile } from '../output-file.js';
import { DEMO_POLICY_PATH, DEMO_WORLD_PATH, VERSION } from '../paths.js';
import { loadPolicy } from '../policy-loader.js';
import { renderJson } from '../render/json.js';
import { renderTable } from '../render/table.js';
import { loadWorld } from '../world-loader.js';

const DEMO_ROLE = 'KeywardenAuditRole';

export function registerDemo(program: Command, io: CliIO, setExitCode: (code: number) => void): void {
  program
    .command('demo')
    .description(
      'Audit a demo AWS organization (3 accounts, ~40 users) served by the built-in emulator; no AWS account needed',
    )
    .option('--output <file>', 'where to write the JSON report', '.keywarden/demo-audit.json')
    .option('--world <file>', 'a world file to use instead of the demo world')
    .option('--config <file>', 'a policy file to use instead of the demo policy (worlds/demo-policy.yaml)')
    .option('--audit-only', 'stop after the audit (skip the remediation story)')
    .option('--journal <file>', 'where the demo keeps its journal', '.keywarden/demo-journal.jsonl')
    .addHelpText(
      'after',
      `
The demo starts the emulator on 127.0.0.1, assumes ${DEMO_ROLE} in each account with STS and runs
the same audit a real account gets (AWS SDK over HTTP). Then it remediates the prod account on the
emulator's clock: plan, apply (rotate demo-app's key into Secrets Manager, revoke unused keys),
demo-app switches to its new key, two weeks pass, the next run deactivates the old key and deletes
the keys revoked before, and undo reactivates the deactivated key. Then it stops the emulator.

Examples:
  $ keywarden demo
  $ npm run demo
  $ keywarden demo --output /tmp/audit.json`,
    )
    .action(
      async (flags: {
        output: string;
        world?: string;
        config?: string;
        auditOnly?: boolean;
        journal: string;
      }) => {
        const { policy } = loadPolicy({ cwd: io.cwd, config: flags.config ?? DEMO_POLICY_PATH });
        const world = await loadWorld(io.cwd, flags.world ?? DEMO_WORLD_PATH);
        const emulator = await startEmulator({ world, clock: { frozen: true } });
        const now = emulator.clock.now();
        const base = {
          endpoint: emulator.url,
          credentials: { accessKeyId: 'AKIDKEYWARDENDEMO', secretAccessKey: 'demo' },
        };
        const sts = new STSClient(clientConfig(base));
        try {
          io.stdout.write(
            `Demo: AWS emulator on ${emulator.url} serving ${emulator.state.accounts.size} accounts\n`,
          );
          const results: AccountAuditOrError[] = [];
          for (const accountId of emulator.state.accounts.keys()) {
            const assumed = await sts.send(
              new AssumeRoleCommand({
                RoleArn: `arn:aws:iam::${accountId}:role/${DEMO_ROLE}`,
                RoleSessionName: 'keywarden-demo',
              }),
            );
            const c = assumed.Credentials;
            if (!c?.AccessKeyId || !c.SecretAccessKey)
              throw new CliError(`AssumeRole into ${accountId} returned no credentials`);
            const clients = createClients({
              endpoint: emulator.url,
              credentials: {
                accessKeyId: c.AccessKeyId,
                secretAccessKey: c.SecretAccessKey,
                sessionToken: c.SessionToken,
              },
            });
            try {
              results.push(await auditAccount({ clients, clock: () => now, sleep: async () => {} }, policy));
            } finally {
              clients.iam.destroy();
              clients.sts.destroy();
              clients.ssm.destroy();
            }
          }
          const report = buildAuditReport(results, policy, now, { name: 'keywarden', version: VERSION });
          io.stdout.write(
            `\n${renderTable(report, { color: !!io.stdout.isTTY && !io.env.NO_COLOR, columns: outputColumns(io) })}`,
          );
          const out = resolve(io.cwd, flags.output);
          writeOutputFile('--output', io.cwd, flags.output, renderJson(report), { createDirectory: true });
          io.stdout.write(`\nJSON report: ${relative(io.cwd, out) || out}\n`);
          if (!flags.auditOnly) {
            await demoRemediation({
              emulator,
              policy,
              io,
              color: !!io.stdout.isTTY && !io.env.NO_COLOR,
              journalPath: resolve(io.cwd, flags.journal),
              role: DEMO_ROLE,
            });
          }
          io.stdout.write(
            '\nNext: keywarden audit --help, keywarden plan --help, or keywarden sandbox for the AWS CLI.\n',
          );
          setExitCode(0);
        } finally {
          sts.destroy();
          await emulator.stop();
        }
      },
    );
}
