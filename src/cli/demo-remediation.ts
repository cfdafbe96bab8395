/**
 * The second half of `keywarden demo`: remediation of the demo's prod account, told as a story on
 * the emulator's clock. Plan, apply (demo-app's 100-day-old key is rotated, unused keys revoked),
 * demo-app fetches its new key from Secrets Manager and switches, two weeks pass while the other
 * applications keep using their keys, the next run deactivates demo-app's old key and deletes the
 * keys revoked two weeks ago, and undo reactivates the deactivated key. Same code path as
 * `keywarden apply` (AWS SDK over HTTP); only the clock and the applications are simulated.
 */
import { rmSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createNotifier } from '../channels/notifier.js';
import type { Plan } from '../core/plan/types.js';
import { remediationPolicy } from '../core/policy/inventory-mode.js';
import type { Policy } from '../core/policy/types.js';
import type { Emulator } from '../emulator/server.js';
import type { ExecuteResult } from '../engine/apply/execute.js';
import { planRemediation } from '../engine/plan.js';
import { applyPlan } from '../engine/remediate.js';
import type { RemediationDeps } from '../engine/types.js';
import { undoRun } from '../engine/undo.js';
import { openFileJournal } from '../journal/file-journal.js';
import type { Journal } from '../journal/journal.js';
import { type AwsConnection, clientConfig, createClients } from '../sdk/clients.js';
import { type CliIO, outputColumns } from './io.js';
import { renderPlan } from './render/plan.js';
import { renderResults } from './render/results.js';

const PROD = '222222222222';
const DEMO_APP = 'demo-app';

export interface DemoRemediationOptions {
  readonly emulator: Emulator;
  readonly policy: Policy;
  readonly io: CliIO;
  readonly color: boolean;
  readonly journalPath: string;
  readonly role: string;
}

async function assumedConnection(
  emulator: Emulator,
  role: string,
  accountId: string,
): Promise<AwsConnection> {
  const sts = new STSClient(
    clientConfig({
      endpoint: emulator.url,
      credentials: { accessKeyId: 'AKIDKEYWARDENDEMO', secretAccessKey: 'demo' },
    }),
  );
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/${role}`,
        RoleSessionName: 'keywarden-demo',
      }),
    );
    const c = out.Credentials;
    return {
      endpoint: emulator.url,
      credentials: {
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretAccessKey ?? '',
        sessionToken: c?.SessionToken,
      },
    };
  } finally {
    sts.destroy();
  }
}

/** The remediator's engine dependencies in prod, on a fresh AssumeRole session and the emulator's clock. */
async function assumeRemediator(
  emulator: Emulator,
  role: string,
  policy: Policy,
  journal: Journal,
): Promise<{ readonly deps: RemediationDeps; close(): void }> {
  const connection = await assumedConnection(emulator, role, PROD);
  const clients = createClients(connection);
  const secretsManager = new SecretsManagerClient(clientConfig(connection));
  return {
    deps: {
      clients: { ...clients, secretsManager },
      clock: () => emulator.clock.now(),
      journal,
      notifier: createNotifier(policy.notifications, { env: {}, connection, ssm: clients.ssm }),
    },
    close() {
      clients.iam.destroy();
      clients.sts.destroy();
      clients.ssm.destroy();
      secretsManager.destroy();
    },
  };
}

export async function demoRemediation(options: DemoRemediationOptions): Promise<void> {
  const { emulator, io, color } = options;
  const columns = outputColumns(io);
  // Remediation reads IAM live (as `keywarden apply` does): exact key ids, current state.
  const policy = remediationPolicy(options.policy);
  const out = (text: string) => io.stdout.write(text);
  const heading = (text: string) => out(`\n${color ? `\x1b[1m${text}\x1b[0m` : text}\n`);
  rmSync(options.journalPath, { force: true });
  const journal = openFileJournal(options.journalPath);
  // One AssumeRole session per day of the story: sessions expire, as AWS's do after an hour.
  let session = await assumeRemediator(emulator, options.role, policy, journal);
  const planNow = async (): Promise<Plan> =>
    (await planRemediation(session.deps, policy, { maxActions: policy.remediation.maxActions })).plan;
  const apply = (plan: Plan): Promise<ExecuteResult> => applyPlan(session.deps, policy, plan);
  const show = (result: ExecuteResult) =>
    out(renderResults(result.runId, result.results, { color, columns }));

  try {
    heading(`Remediation of account ${PROD} (prod) — ${emulator.clock.now().toISOString().slice(0, 10)}`);
    const first = await planNow();
    out(renderPlan(first, { color, columns }));
    heading('keywarden apply --yes');
    const run1 = await apply(first);
    show(run1);

    heading(
      `${DEMO_APP} fetches its new key from Secrets Manager and switches to it (the secret is never printed)`,
    );
    const secret = await session.deps.clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: `keywarden/${PROD}/${DEMO_APP}` }),
    );
    const stored = JSON.parse(secret.SecretString ?? '{}') as {
      AccessKeyId?: string;
      SecretAccessKey?: string;
    };
    await callWith(emulator, stored.AccessKeyId ?? '', stored.SecretAccessKey ?? '');
    out(`  ${DEMO_APP} now signs its requests with ${stored.AccessKeyId}\n`);

    emulator.clock.advance(policy.rotation.deactivateAfterDays - policy.rotation.rotateAfterDays);
    session.close();
    session = await assumeRemediator(emulator, options.role, policy, journal);
    heading(
      `Two weeks later (${emulator.clock.now().toISOString().slice(0, 10)}): the other applications kept using their old keys`,
    );
    const stillRunning = await keepOtherAppsRunning(emulator, PROD, [
      stored.AccessKeyId ?? '',
      ...newKeyIds(run1),
    ]);
    out(`  ${stillRunning} other application key(s) were used today\n`);
    const second = await planNow();
    out(renderPlan(second, { color, columns }));
    heading('keywarden apply --yes');
    const run2 = await apply(second);
    show(run2);

    heading(`keywarden undo ${run2.runId}   (say ${DEMO_APP}'s batch job still needed the old key)`);
    const undo = await undoRun(session.deps, run2.runId, { holdDays: policy.rotation.inUseGraceDays });
    if (undo.kind === 'undone') {
      out(renderResults(undo.runId, undo.results, { color, columns }));
      for (const c of undo.cannotUndo) out(`  cannot undo ${c.actionId}: ${c.reason}\n`);
    }

    const central = emulator.state.accounts.get('111111111111');
    const emails = emulator.state.accounts.get(PROD)?.ses.sent.length ?? 0;
    heading('Notifications (as the emulator received them)');
    out(
      `  ${central?.sns.messages.length ?? 0} SNS message(s) to the central security topic, ${emails} email digest(s) to owners\n`,
    );
    out(`  journal: ${options.journalPath} (keywarden history --journal ${options.journalPath})\n`);
  } finally {
    session.close();
  }
}

function newKeyIds(result: ExecuteResult): string[] {
  return result.results.flatMap((r) => (r.newAccessKeyId ? [r.newAccessKeyId] : []));
}

async function callWith(emulator: Emulator, accessKeyId: string, secretAccessKey: string): Promise<void> {
  const sts = new STSClient(
    clientConfig({ endpoint: emulator.url, credentials: { accessKeyId, secretAccessKey } }),
  );
  try {
    await sts.send(new GetCallerIdentityCommand({}));
  } finally {
    sts.destroy();
  }
}

/**
 * Simulates the account's other applications: every active key used in the week before the first
 * run (other than demo-app's and the new ones) is used again today, as a running service would.
 */
async function keepOtherAppsRunning(
  emulator: Emulator,
  accountId: string,
  skip: readonly string[],
): Promise<number> {
  const account = emulator.state.accounts.get(accountId);
  const weekBeforeMs = emulator.clock.now().getTime() - 21 * 86_400_000;
  let used = 0;
  for (const user of account?.iam.users.values() ?? []) {
    if (user.userName === DEMO_APP) continue;
    for (const key of user.accessKeys) {
      if (key.status !== 'Active' || skip.includes(key.accessKeyId)) continue;
      if (key.lastUsed === null || key.lastUsed.date.getTime() < weekBeforeMs) continue;
      await callWith(emulator, key.accessKeyId, key.secretAccessKey);
      used++;
    }
  }
  return used;
}
