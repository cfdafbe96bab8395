import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { AccountAuditOrError } from '../../core/audit-report.js';
import { buildAuditReport } from '../../core/audit-summary.js';
import { startEmulator } from '../../emulator/server.js';
import { auditAccount } from '../../engine/audit.js';
import { connectMember } from '../../engine/connect.js';
import { DEMO_CREDENTIALS, demoRemediation } from '../demo-remediation.js';
import { CliError } from '../errors.js';
import { type CliIO, outputColumns } from '../io.js';
import { logOf } from '../log.js';
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
    .option(
      '-o, --output <file>',
      'where to write the JSON report (default: demo-audit.json in the demo folder)',
    )
    .option('--world <file>', 'a world file to use instead of the demo world')
    .option('--config <file>', 'a policy file to use instead of the demo policy (worlds/demo-policy.yaml)')
    .option('--audit-only', 'stop after the audit (skip the remediation story)')
    .option(
      '--journal <file>',
      'where the demo keeps its journal (default: journal.jsonl in the demo folder)',
    )
    .addHelpText(
      'after',
      `
The demo starts the emulator on 127.0.0.1, assumes ${DEMO_ROLE} in each account with STS and runs
the same audit a real account gets (AWS SDK over HTTP). Then it remediates the prod account on the
emulator's clock: plan, apply (rotate demo-app's key into Secrets Manager, revoke unused keys),
demo-app switches to its new key, two weeks pass, the next run deactivates the old key and deletes
the keys revoked before, and undo reactivates the deactivated key. Then it stops the emulator.

Its JSON report and journal go to a new temporary folder per run (printed first), never to the
current directory or your own journal: look at them with keywarden history --journal FILE.

Examples:
  $ keywarden demo
  $ npm run demo
  $ keywarden demo --output /tmp/audit.json`,
    )
    .action(
      async (flags: {
        output?: string;
        world?: string;
        config?: string;
        auditOnly?: boolean;
        journal?: string;
      }) => {
        const { policy } = loadPolicy({ cwd: io.cwd, config: flags.config ?? DEMO_POLICY_PATH });
        const world = await loadWorld(io.cwd, flags.world ?? DEMO_WORLD_PATH);
        const folder = flags.output === undefined || flags.journal === undefined ? demoFolder(io) : undefined;
        const output = flags.output ?? join(folder ?? io.cwd, 'demo-audit.json');
        const journalPath = resolve(io.cwd, flags.journal ?? join(folder ?? io.cwd, 'journal.jsonl'));
        const emulator = await startEmulator({ world, clock: { frozen: true } });
        const now = emulator.clock.now();
        const onCall = logOf(io).callObserver;
        const base = { endpoint: emulator.url, credentials: DEMO_CREDENTIALS, ...(onCall ? { onCall } : {}) };
        const role = { roleName: DEMO_ROLE, partition: 'aws', sessionName: 'keywarden-demo' };
        try {
          io.stdout.write(
            `Demo: AWS emulator on ${emulator.url} serving ${emulator.state.accounts.size} accounts\n`,
          );
          if (folder !== undefined) io.stdout.write(`Demo folder (report and journal): ${folder}\n`);
          const results: AccountAuditOrError[] = [];
          for (const accountId of emulator.state.accounts.keys()) {
            // The same audit a real account gets, in the demo's role assumed there with STS.
            const account = connectMember(base, accountId, role, { clock: () => now });
            try {
              await account.assume();
              results.push(
                await auditAccount(
                  { clients: account.clients, clock: () => now, sleep: async () => {} },
                  policy,
                ),
              );
            } finally {
              account.close();
            }
          }
          const report = buildAuditReport(results, policy, now, { name: 'keywarden', version: VERSION });
          io.stdout.write(
            `\n${renderTable(report, { color: !!io.stdout.isTTY && !io.env.NO_COLOR, columns: outputColumns(io) })}`,
          );
          writeOutputFile('--output', io.cwd, output, renderJson(report), { createDirectory: true });
          io.stdout.write(`\nJSON report: ${shown(io.cwd, resolve(io.cwd, output))}\n`);
          if (!flags.auditOnly) {
            await demoRemediation({
              emulator,
              policy,
              io,
              color: !!io.stdout.isTTY && !io.env.NO_COLOR,
              journalPath,
              role: DEMO_ROLE,
            });
          }
          io.stdout.write(
            '\nNext: keywarden audit --help, keywarden plan --help, or keywarden sandbox for the AWS CLI.\n',
          );
          setExitCode(0);
        } finally {
          await emulator.stop();
        }
      },
    );
}

/**
 * A new folder per run for what the demo writes: demos never mix with each other, with the
 * current directory or with the journal real runs keep (the state directory).
 */
function demoFolder(io: CliIO): string {
  const parent = io.env.TMPDIR || tmpdir();
  try {
    return mkdtempSync(join(parent, 'keywarden-demo-'));
  } catch (error) {
    throw new CliError(
      `cannot create the demo folder in ${parent}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; set TMPDIR to a writable directory, or pass --output and --journal`,
    );
  }
}

/** A path inside `cwd` relative to it, any other absolute. */
function shown(cwd: string, path: string): string {
  const inside = relative(cwd, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
