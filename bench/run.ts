/**
 * `npm run bench`: the audit's speed goals, measured (never asserted). Prints Markdown.
 *  1. The pure evaluation's throughput on 1,000,000 keys.
 *  2. One generated account of 5,000 users (~8,000 keys) on our emulator, 25 ms added to every call:
 *     report mode with `--key-ids findings`, with `--key-ids none`, and live mode. Wall time, calls,
 *     peak memory, findings; each audit in a fresh process and a fresh emulator.
 *  3. With --sweep: key-exact report mode on the neglected account at several concurrencies, with
 *     and without the emulator throttling IAM above a request rate, through the SDK's adaptive retry.
 *  4. The same account on moto (a third-party emulator, real HTTP, no added latency): `--key-ids
 *     none`, `--key-ids findings`, and the seed articles' per-user scan, in the same run.
 *  5. The organization (bench/org.ts): `keywarden audit --org` and `apply --org --yes` as child
 *     processes against a generated organization of 200 accounts × 500 users, 25 ms per call, 5% / 10%
 *     of calls throttled; apply's plan, journal and emulator checked against each other.
 * Options: --users N (5000) --latency-ms N (25) --concurrency N (the policy default)
 *          --estate kept|neglected|both|none (both) --keys N (1000000) --moto-users N (5000; 0 skips moto)
 *          --sweep (off) --throttle-rps N (100) --skip-evaluation
 *          --only PARTS: comma-separated evaluation,emulator,sweep,moto,org (default: every part the
 *          other options leave on; sweep only with --sweep)
 *          --org-accounts N (200) --org-users N (500) --org-throttle RATE (0.05) --org-apply-throttle RATE (0.1)
 *          --org-due-keys N (1000) --org-key-ids findings,none (both) --org-parts audit,apply (both)
 *          --org-concurrency N (the CLI's default) --org-cpu-prof DIR (profile the audit child)
 *          --org-retry-mode adaptive|standard (the CLI's AWS_RETRY_MODE; default: Keywarden's, adaptive)
 */
import { execFile } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs, promisify } from 'node:util';
import { evaluateAccount } from '../src/core/audit-account.js';
import type { AccessKeyRecord, AccountInventory, UserRecord } from '../src/core/model.js';
import { DEFAULT_POLICY } from '../src/core/policy/types.js';
import type { FaultRule } from '../src/emulator/faults.js';
import { generateWorld } from '../src/emulator/generate-world.js';
import { startEmulator } from '../src/emulator/server.js';
import { motoAccount, startBenchMoto } from './moto.js';
import { orgBench } from './org.js';

const run = promisify(execFile);

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '5000' },
    'latency-ms': { type: 'string', default: '25' },
    concurrency: { type: 'string', default: String(DEFAULT_POLICY.inventory.concurrency) },
    estate: { type: 'string', default: 'both' },
    keys: { type: 'string', default: '1000000' },
    'moto-users': { type: 'string', default: '5000' },
    sweep: { type: 'boolean', default: false },
    'throttle-rps': { type: 'string', default: '100' },
    'skip-evaluation': { type: 'boolean', default: false },
    only: { type: 'string' },
    'org-accounts': { type: 'string', default: '200' },
    'org-users': { type: 'string', default: '500' },
    'org-throttle': { type: 'string', default: '0.05' },
    'org-apply-throttle': { type: 'string', default: '0.1' },
    'org-due-keys': { type: 'string', default: '1000' },
    'org-key-ids': { type: 'string', default: 'findings,none' },
    'org-parts': { type: 'string', default: 'audit,apply' },
    'org-concurrency': { type: 'string' },
    'org-cpu-prof': { type: 'string' },
    'org-retry-mode': { type: 'string' },
  },
});
const PARTS = ['evaluation', 'emulator', 'sweep', 'moto', 'org'] as const;
type Part = (typeof PARTS)[number];
function list<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').map((item) => item.trim());
  const bad = items.find((item) => !allowed.includes(item as T));
  if (bad !== undefined) throw new Error(`--${flag}: "${bad}" is not one of ${allowed.join(', ')}`);
  return items as T[];
}
const only = values.only === undefined ? null : new Set(list('only', values.only, PARTS));
/** A part runs when --only names it, or, without --only, when the other options leave it on. */
const runs = (part: Part, onByDefault: boolean) => (only === null ? onByDefault : only.has(part));
const users = Number(values.users);
const latencyMs = Number(values['latency-ms']);
const concurrency = Number(values.concurrency);
const motoUsers = Number(values['moto-users']);
const throttleRps = Number(values['throttle-rps']);
const NOW = new Date('2026-11-22T12:00:00Z');

type AuditMode = 'findings' | 'none' | 'live';

interface AuditRun {
  readonly wallMs: number;
  /** CPU time the audit process spent on the audit (user + system). */
  readonly cpuMs: number;
  /** From the child process's start: Node's start and module loading included. */
  readonly processMs: number;
  readonly maxRssMiB: number;
  readonly findings: number;
  readonly usersWithKeyFindings: number;
  readonly calls: number;
  readonly callsByOperation: Readonly<Record<string, number>>;
}

/** A child process's one-line JSON answer, or its error. */
async function child<T>(script: string, args: readonly string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [script, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as T & { error?: string };
  if (result.error !== undefined) throw new Error(result.error);
  return result;
}

const audit = (endpoint: string, mode: AuditMode, limit: number) =>
  child<AuditRun>('bench/audit-once.mjs', [endpoint, mode, String(limit), NOW.toISOString()]);

/** One audit against a fresh emulator serving the world, with `faults` on every call. */
async function onEmulator(
  keyMaxAgeDays: number | undefined,
  mode: AuditMode,
  limit: number,
  faults: readonly FaultRule[],
): Promise<AuditRun & { readonly attempts: number; readonly emulatorCpuMs: number }> {
  const world = generateWorld({ accounts: 1, usersPerAccount: users, seed: 42, keyMaxAgeDays });
  const emulator = await startEmulator({
    world,
    clock: { start: NOW, frozen: true },
    faults: { rules: faults },
    credentialReport: { inProgressPolls: 1 },
  });
  try {
    const cpuAtStart = process.cpuUsage();
    const result = await audit(emulator.url, mode, limit);
    const cpu = process.cpuUsage(cpuAtStart);
    return {
      ...result,
      attempts: emulator.faults.count(),
      emulatorCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    };
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
      attachedPolicyArns: [],
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
  const result = evaluateAccount(inventory, DEFAULT_POLICY, now);
  const seconds = (performance.now() - started) / 1000;
  return {
    keys: usersNeeded * 2,
    findings: result.findings.length,
    seconds,
    keysPerSecond: Math.round((usersNeeded * 2) / seconds),
  };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const n = (value: number) => value.toLocaleString('en-US');
const op = (r: { readonly callsByOperation: Readonly<Record<string, number>> }, name: string) =>
  r.callsByOperation[name] ?? 0;

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`# keywarden bench — ${new Date().toISOString().slice(0, 10)}`);
console.log(
  `machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
    `${process.platform}; load average at start ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
);
console.log(
  `account: ${n(users)} users, ${latencyMs} ms added per emulated call, concurrency ${concurrency}\n`,
);

if (runs('evaluation', !values['skip-evaluation'])) {
  console.log('## pure evaluation (evaluateAccount, one account)');
  for (const [label, maxAgeDays] of [
    ['well-kept', 100],
    ['neglected (worst case)', 400],
  ] as const) {
    // Median of three runs, measured before the emulator fills this process's heap.
    const runs = [0, 1, 2].map(() => evaluationThroughput(Number(values.keys), maxAgeDays));
    const e = runs.sort((a, b) => a.seconds - b.seconds)[1] ?? (runs[0] as (typeof runs)[number]);
    console.log(
      `- ${label}: ${n(e.keys)} keys, ${n(e.findings)} findings in ${e.seconds.toFixed(2)} s = ` +
        `${n(e.keysPerSecond)} keys/s`,
    );
  }
  console.log('');
}

const estates: [string, number | undefined][] = [];
if (runs('emulator', true)) {
  if (values.estate === 'kept' || values.estate === 'both')
    estates.push(['well-kept (keys ≤ 100 days)', 100]);
  if (values.estate === 'neglected' || values.estate === 'both')
    estates.push(['neglected (keys up to 600 days)', undefined]);
}
const latency: FaultRule[] = [{ latencyMs }];

for (const [label, keyMaxAgeDays] of estates) {
  const findings = await onEmulator(keyMaxAgeDays, 'findings', concurrency, latency);
  const none = await onEmulator(keyMaxAgeDays, 'none', concurrency, latency);
  const live = await onEmulator(keyMaxAgeDays, 'live', concurrency, latency);
  const base = 3 + Math.ceil(users / 1000);
  console.log(`## emulator, ${label}`);
  console.log('| | report, `--key-ids findings` | report, `--key-ids none` | live |');
  console.log('|---|---|---|---|');
  console.log(`| wall time | ${s(findings.wallMs)} | **${s(none.wallMs)}** | ${s(live.wallMs)} |`);
  console.log(
    `| whole process (Node start to end) | ${s(findings.processMs)} | ${s(none.processMs)} | ${s(live.processMs)} |`,
  );
  console.log(`| CPU time, audit process | ${s(findings.cpuMs)} | ${s(none.cpuMs)} | ${s(live.cpuMs)} |`);
  console.log(
    `| CPU time, emulator (answering) | ${s(findings.emulatorCpuMs)} | ${s(none.emulatorCpuMs)} | ${s(live.emulatorCpuMs)} |`,
  );
  console.log(`| API calls | ${n(findings.calls)} | ${n(none.calls)} | ${n(live.calls)} |`);
  console.log(
    `| of which ListAccessKeys / GetLoginProfile | ${n(op(findings, 'ListAccessKeys'))} / ` +
      `${n(op(findings, 'GetLoginProfile'))} | ${n(op(none, 'ListAccessKeys'))} / ${n(op(none, 'GetLoginProfile'))} | ` +
      `${n(op(live, 'ListAccessKeys'))} / ${n(op(live, 'GetLoginProfile'))} |`,
  );
  console.log(
    `| peak RSS (audit process) | ${findings.maxRssMiB} MiB | ${none.maxRssMiB} MiB | ${live.maxRssMiB} MiB |`,
  );
  console.log(`| findings | ${n(findings.findings)} | ${n(none.findings)} | ${n(live.findings)} |`);
  console.log(
    `\nusers with a key finding: ${n(findings.usersWithKeyFindings)}. \`none\`: ${base} = 3 + ceil(users/1000) ` +
      `report and details calls + ${op(none, 'GetLoginProfile')} GetLoginProfile = ${none.calls}; ` +
      `target under 2 s: ${none.wallMs < 2000 ? 'met' : 'NOT met'}. ` +
      `findings/none ${(findings.wallMs / none.wallMs).toFixed(1)}×, live/none ${(live.wallMs / none.wallMs).toFixed(1)}×.`,
  );
  console.log(`\`none\` calls: ${JSON.stringify(none.callsByOperation)}\n`);
}

if (runs('sweep', values.sweep)) {
  const limits = [4, 8, 16, 32, 64];
  const throttled: FaultRule[] = [...latency, { service: 'iam', throttleAboveRps: throttleRps }];
  console.log(
    `## concurrency, neglected account, \`--key-ids findings\`, ${latencyMs} ms per call (adaptive retry, 5 attempts)`,
  );
  console.log(`| concurrency | no throttling | IAM throttled above ${throttleRps} requests/s |`);
  console.log('|---|---|---|');
  for (const limit of limits) {
    const cells: string[] = [];
    for (const faults of [latency, throttled]) {
      try {
        const r = await onEmulator(undefined, 'findings', limit, faults);
        const retries = r.attempts - r.calls;
        cells.push(`${s(r.wallMs)}, ${n(r.calls)} calls, ${n(retries)} throttled and retried`);
      } catch (error) {
        cells.push(`failed: ${(error as Error).message.slice(0, 120)}`);
      }
    }
    console.log(`| ${limit} | ${cells.join(' | ')} |`);
  }
  console.log('');
}

if (runs('moto', motoUsers > 0) && motoUsers > 0) {
  const world = generateWorld({ accounts: 1, usersPerAccount: motoUsers, seed: 42 });
  const seeding = performance.now();
  const moto = await startBenchMoto(NOW, motoAccount(world));
  const seededMs = performance.now() - seeding;
  try {
    const none = await audit(moto.endpoint, 'none', concurrency);
    const findings = await audit(moto.endpoint, 'findings', concurrency);
    const scan = await child<AuditRun & { readonly users: number; readonly keys: number }>(
      'bench/per-user-scan.mjs',
      [moto.endpoint],
    );
    console.log(`## moto (${n(motoUsers)} users, no added latency; seeded in ${s(seededMs)})`);
    console.log(
      '| | report, `--key-ids none` | report, `--key-ids findings` | per-user scan (seed articles) |',
    );
    console.log('|---|---|---|---|');
    console.log(`| wall time | **${s(none.wallMs)}** | ${s(findings.wallMs)} | ${s(scan.wallMs)} |`);
    console.log(
      `| whole process (Node start to end) | ${s(none.processMs)} | ${s(findings.processMs)} | ${s(scan.processMs)} |`,
    );
    console.log(`| CPU time, client process | ${s(none.cpuMs)} | ${s(findings.cpuMs)} | ${s(scan.cpuMs)} |`);
    console.log(`| API calls | ${n(none.calls)} | ${n(findings.calls)} | ${n(scan.calls)} |`);
    console.log(`| peak RSS | ${none.maxRssMiB} MiB | ${findings.maxRssMiB} MiB | ${scan.maxRssMiB} MiB |`);
    console.log(
      `\nper-user scan / none: **${(scan.wallMs / none.wallMs).toFixed(1)}×** (target ≥ 10×: ` +
        `${scan.wallMs >= 10 * none.wallMs ? 'met' : 'NOT met'}); findings / none ${(findings.wallMs / none.wallMs).toFixed(1)}×.`,
    );
    console.log(
      `scan calls: ${JSON.stringify(scan.callsByOperation)}; \`none\` calls: ${JSON.stringify(none.callsByOperation)}\n`,
    );
  } finally {
    await moto.stop();
  }
}

if (runs('org', true)) {
  await orgBench({
    accounts: Number(values['org-accounts']),
    usersPerAccount: Number(values['org-users']),
    latencyMs,
    auditThrottleRate: Number(values['org-throttle']),
    applyThrottleRate: Number(values['org-apply-throttle']),
    dueKeys: Number(values['org-due-keys']),
    keyIds: list('org-key-ids', values['org-key-ids'], ['findings', 'none'] as const),
    parts: list('org-parts', values['org-parts'], ['audit', 'apply'] as const),
    ...(values['org-concurrency'] !== undefined ? { concurrency: Number(values['org-concurrency']) } : {}),
    ...(values['org-cpu-prof'] !== undefined ? { cpuProfileDir: values['org-cpu-prof'] } : {}),
    ...(values['org-retry-mode'] !== undefined
      ? { retryMode: list('org-retry-mode', values['org-retry-mode'], ['adaptive', 'standard'] as const)[0] }
      : {}),
  });
}
