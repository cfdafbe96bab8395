/**
 * `npm run bench`: the audit's speed goals, measured (not asserted).
 *  1. Report vs live inventory on a generated account of 5,000 users (~8,000 keys), 25 ms added to
 *     every emulated call, same concurrency: wall time, API calls, peak memory, side by side.
 *  2. The pure evaluation's throughput on 1,000,000 keys.
 * Options: --users N (5000) --latency-ms N (25) --concurrency N (8) --estate kept|neglected|both (both)
 */
import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);

import { evaluateAccount } from '../src/core/audit.js';
import type { AccessKeyRecord, AccountInventory, UserRecord } from '../src/core/model.js';
import { DEFAULT_POLICY } from '../src/core/policy/types.js';
import { generateWorld } from '../src/emulator/generate-world.js';
import { startEmulator } from '../src/emulator/server.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '5000' },
    'latency-ms': { type: 'string', default: '25' },
    concurrency: { type: 'string', default: '8' },
    estate: { type: 'string', default: 'both' },
    keys: { type: 'string', default: '1000000' },
  },
});
const users = Number(values.users);
const latencyMs = Number(values['latency-ms']);
const concurrency = Number(values.concurrency);
const NOW = new Date('2026-11-22T12:00:00Z');

interface Run {
  wallMs: number;
  maxRssMiB: number;
  findings: number;
  usersWithKeyFindings: number;
  calls: number;
  callsByOperation: Record<string, number>;
}

async function measure(keyMaxAgeDays: number | undefined, mode: 'report' | 'live'): Promise<Run> {
  const world = generateWorld({ accounts: 1, usersPerAccount: users, seed: 42, keyMaxAgeDays });
  const emulator = await startEmulator({
    world,
    clock: { start: NOW, frozen: true },
    faults: { rules: [{ latencyMs }] },
    credentialReport: { inProgressPolls: 1 },
  });
  try {
    // Async: the emulator serves from this process's event loop while the audit runs in the child.
    const { stdout: out } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/audit-once.ts', emulator.url, mode, String(concurrency), NOW.toISOString()],
      { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    );
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Omit<
      Run,
      'calls' | 'callsByOperation'
    >;
    const callsByOperation: Record<string, number> = {};
    for (const c of emulator.faults.calls()) callsByOperation[`${c.service}:${c.operation}`] = c.count;
    return { ...result, calls: emulator.faults.count(), callsByOperation };
  } finally {
    await emulator.stop();
  }
}

/**
 * `maxAgeDays` shapes the mix: 100 gives a well-kept estate (about 1 key in 10 past 90 days), 400 a
 * neglected one where most active keys have a finding (the worst case for allocation).
 */
function evaluationThroughput(
  keyCount: number,
  maxAgeDays: number,
): { keys: number; findings: number; seconds: number; keysPerSecond: number } {
  const now = NOW;
  const usersNeeded = Math.ceil(keyCount / 2);
  const day = 86_400_000;
  const list: UserRecord[] = [];
  for (let i = 0; i < usersNeeded; i++) {
    const keys: AccessKeyRecord[] = [0, 1].map((slot) => ({
      accessKeyId: `AKIA${String(i * 2 + slot).padStart(16, '0')}`,
      idAmbiguous: false,
      slot: slot === 0 ? 1 : 2,
      status: (i + slot) % 3 === 0 ? 'Inactive' : 'Active',
      createDate: new Date(now.getTime() - ((i * 7 + slot * 13) % maxAgeDays) * day),
      lastUsedDate:
        i % 10 === 0 ? null : new Date(now.getTime() - ((i * 3) % (maxAgeDays === 100 ? 60 : 120)) * day),
      lastUsedService: 's3',
      lastUsedRegion: 'us-east-1',
    }));
    list.push({
      accountId: '123456789012',
      userName: `user-${i}`,
      userId: `AIDA${i}`,
      arn: `arn:aws:iam::123456789012:user/user-${i}`,
      path: '/',
      createDate: new Date(now.getTime() - 500 * day),
      tags: {},
      groups: [],
      loginProfile: null,
      passwordLastUsed: null,
      mfaActive: false,
      accessKeys: keys,
    });
  }
  const inventory: AccountInventory = {
    accountId: '123456789012',
    source: 'live',
    reportGeneratedAt: null,
    users: list,
    root: null,
    ssmExcludedUsers: null,
  };
  evaluateAccount({ ...inventory, users: list.slice(0, 10_000) }, DEFAULT_POLICY, now); // warm up
  // Collect the garbage of building the input first, so only the evaluation's own work is timed.
  (globalThis as { gc?: () => void }).gc?.();
  const started = performance.now();
  const audit = evaluateAccount(inventory, DEFAULT_POLICY, now);
  const seconds = (performance.now() - started) / 1000;
  return {
    keys: usersNeeded * 2,
    findings: audit.findings.length,
    seconds,
    keysPerSecond: Math.round((usersNeeded * 2) / seconds),
  };
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`# keywarden bench — ${new Date().toISOString().slice(0, 10)}`);
console.log(
  `machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`,
);
console.log(`account: ${users} users, ${latencyMs} ms added per call, concurrency ${concurrency}\n`);

console.log('## pure evaluation (evaluateAccount, one account)');
for (const [label, maxAgeDays] of [
  ['well-kept', 100],
  ['neglected (worst case)', 400],
] as const) {
  // Median of three runs, measured before the emulator fills this process's heap.
  const runs = [0, 1, 2].map(() => evaluationThroughput(Number(values.keys), maxAgeDays));
  const e = runs.sort((a, b) => a.seconds - b.seconds)[1] ?? runs[0]!;
  console.log(
    `- ${label}: ${e.keys.toLocaleString('en-US')} keys, ${e.findings.toLocaleString('en-US')} findings in ` +
      `${e.seconds.toFixed(2)} s = ${e.keysPerSecond.toLocaleString('en-US')} keys/s`,
  );
}
console.log('');

const estates: [string, number | undefined][] = [];
if (values.estate !== 'neglected') estates.push(['well-kept (keys ≤ 100 days)', 100]);
if (values.estate !== 'kept') estates.push(['neglected (keys up to 600 days)', undefined]);

for (const [label, keyMaxAgeDays] of estates) {
  const report = await measure(keyMaxAgeDays, 'report');
  const live = await measure(keyMaxAgeDays, 'live');
  const budget = 3 + Math.ceil(users / 1000) + report.usersWithKeyFindings;
  console.log(`## ${label}`);
  console.log('| | report | live |');
  console.log('|---|---|---|');
  console.log(
    `| wall time | ${(report.wallMs / 1000).toFixed(2)} s | ${(live.wallMs / 1000).toFixed(2)} s |`,
  );
  console.log(`| API calls | ${report.calls} | ${live.calls} |`);
  console.log(`| peak RSS (audit process) | ${report.maxRssMiB} MiB | ${live.maxRssMiB} MiB |`);
  console.log(`| findings | ${report.findings} | ${live.findings} |`);
  console.log(
    `\nusers with a key finding: ${report.usersWithKeyFindings}; call budget 3 + ceil(users/1000) + that = ${budget} ` +
      `(${report.calls <= budget ? 'within' : 'OVER'}); live/report speed-up ${(live.wallMs / report.wallMs).toFixed(1)}×`,
  );
  console.log(`report-mode calls: ${JSON.stringify(report.callsByOperation)}\n`);
}
