/**
 * The benchmark's organization part (issue 10): the real CLI (`bin/keywarden.js`, the built package)
 * in a child process against our emulator serving a generated organization, with latency and
 * throttling on every call. Measured, never asserted; prints Markdown.
 *  1. `audit --org --format json --output FILE`: wall time, the CLI's peak RSS and CPU time, the
 *     emulator's CPU time, accounts ok/error (from the JSON report), users seen, calls by operation
 *     and throttled calls (each one retried by the SDK), as the emulator counted them.
 *  2. `apply --org --yes --journal FILE` on a tidied organization where exactly `dueKeys` keys are due
 *     for deactivation: the same measures, then plan, journal and emulator checked against each other
 *     (bench/org-verify.ts).
 * The emulator's clock is frozen at the bench's start (wall time). (Member sessions are judged on the
 * service's clock, so a clock days away would cost nothing either; before that fix, the SDK's local
 * clock judged them and each call assumed the role again: see docs/benchmarks.md.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseJournal } from '../src/core/journal/records.js';
import type { CallCount, FaultRule } from '../src/emulator/faults.js';
import { type Emulator, startEmulator } from '../src/emulator/server.js';
import type { World } from '../src/emulator/world-types.js';
import { checkApply, keyStatuses, type PlannedAction, succeededCalls } from './org-verify.js';
import { applyOrgWorld, auditOrgWorld, ORG_ROLE_NAME } from './org-world.js';

export interface OrgBenchOptions {
  readonly accounts: number;
  readonly usersPerAccount: number;
  readonly latencyMs: number;
  /** Fraction of calls throttled during the audit (0.05). */
  readonly auditThrottleRate: number;
  /** Fraction of calls throttled during the apply (0.10). */
  readonly applyThrottleRate: number;
  readonly dueKeys: number;
  /** `--key-ids` modes to audit with, each in a fresh emulator. */
  readonly keyIds: readonly ('findings' | 'none')[];
  /** The CLI's `--concurrency` (accounts at once); absent: the CLI's default. */
  readonly concurrency?: number;
  /** Profile the audit child with `--cpu-prof` into this folder. */
  readonly cpuProfileDir?: string;
  /** The CLI's `AWS_RETRY_MODE`; absent: Keywarden's default (adaptive). */
  readonly retryMode?: 'adaptive' | 'standard';
  readonly parts: readonly ('audit' | 'apply')[];
}

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'bin', 'keywarden.js');
const RUSAGE = join(REPO, 'bench', 'rusage.mjs');

interface ChildRun {
  readonly exitCode: number | null;
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly maxRssMiB: number;
  readonly cpuMs: number;
  readonly processMs: number;
  /** CPU time the bench process (the emulator) spent while the child ran. */
  readonly emulatorCpuMs: number;
}

/** Runs the built CLI in a fresh process with the management account's credentials and nothing else of ours. */
async function runCli(
  args: readonly string[],
  work: string,
  options: { nodeArgs?: readonly string[]; retryMode?: 'adaptive' | 'standard' } = {},
): Promise<ChildRun> {
  const rusageFile = join(work, `rusage-${process.hrtime.bigint()}.json`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: work,
    XDG_STATE_HOME: join(work, 'state'),
    AWS_CONFIG_FILE: join(work, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
    AWS_ACCESS_KEY_ID: 'AKIDORGADMIN',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    KEYWARDEN_BENCH_RUSAGE: rusageFile,
    ...(options.retryMode ? { AWS_RETRY_MODE: options.retryMode } : {}),
  };
  const cpuAtStart = process.cpuUsage();
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', RUSAGE, BIN, ...args], {
    cwd: work,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exitCode = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done(code));
  });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  const usage = JSON.parse(readFileSync(rusageFile, 'utf8')) as {
    maxRssKiB: number;
    cpuMs: number;
    processMs: number;
  };
  return {
    exitCode,
    wallMs,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    maxRssMiB: Math.round(usage.maxRssKiB / 1024),
    cpuMs: usage.cpuMs,
    processMs: usage.processMs,
    emulatorCpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
}

const retry = (options: OrgBenchOptions) => (options.retryMode ? { retryMode: options.retryMode } : {});

/** Whole seconds: a session's expiry and the CLI's `--now` compare cleanly with the emulator's stored times. */
function benchNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

async function organizationEmulator(
  world: World,
  now: Date,
  faults: readonly FaultRule[],
): Promise<Emulator> {
  return startEmulator({
    world,
    clock: { start: now, frozen: true },
    faults: { rules: faults },
    credentialReport: { inProgressPolls: 1 },
  });
}

interface Calls {
  readonly total: number;
  readonly throttled: number;
  readonly errors: number;
  /** `operation: calls (throttled)` per operation, e.g. `ListAccessKeys 60,000 (3,012 throttled)`. */
  readonly byOperation: string;
  readonly count: (operation: string) => number;
}

const n = (value: number) => value.toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function calls(emulator: Emulator): Calls {
  const throttled = new Map(emulator.faults.faulted('throttle').map((c) => [c.operation, c.count]));
  const sum = (list: readonly CallCount[]) => list.reduce((total, c) => total + c.count, 0);
  const all = emulator.faults.calls();
  return {
    total: sum(all),
    throttled: sum(emulator.faults.faulted('throttle')),
    errors: sum(emulator.faults.faulted('error')),
    byOperation: all
      .map(
        (c) =>
          `${c.operation} ${n(c.count)}${throttled.has(c.operation) ? ` (${n(throttled.get(c.operation) ?? 0)} throttled)` : ''}`,
      )
      .join(', '),
    count: (operation) => all.filter((c) => c.operation === operation).reduce((t, c) => t + c.count, 0),
  };
}

interface AccountLine {
  readonly accountId: string;
  readonly status: 'ok' | 'error';
  readonly error?: string | null;
  /** The audit's per-account counts (the json report's `accounts`). */
  readonly summary?: { readonly users: number; readonly findings: number } | null;
  readonly plan?: { readonly actions: readonly PlannedAction[] };
}

/**
 * The `accounts` of an audit's json document: the CLI writes them on one line after the findings
 * (the document for 100,000 users is about 150 MB; reading one line keeps the bench's heap small).
 */
function auditAccounts(text: string): AccountLine[] {
  const prefix = '  "accounts": ';
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? [] : (JSON.parse(line.slice(prefix.length).replace(/,$/, '')) as AccountLine[]);
}

/**
 * The `accounts` of a multi-account json document, one per line as the CLI streams them (the
 * document for 100,000 users is about 150 MB; parsing it line by line keeps the bench's heap small).
 */
function accountLines(text: string): AccountLine[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('    {"accountId"'))
    .map((line) => JSON.parse(line.trim().replace(/,$/, '')) as AccountLine);
}

async function orgAudit(
  options: OrgBenchOptions,
  keyIds: 'findings' | 'none',
  work: string,
): Promise<string[]> {
  const worldStarted = performance.now();
  const world = auditOrgWorld({ accounts: options.accounts, usersPerAccount: options.usersPerAccount });
  const now = benchNow();
  const worldMs = performance.now() - worldStarted;
  const emulatorStarted = performance.now();
  const emulator = await organizationEmulator(world, now, [
    { latencyMs: options.latencyMs, throttleRate: options.auditThrottleRate },
  ]);
  const emulatorMs = performance.now() - emulatorStarted;
  const output = join(work, `audit-${keyIds}.json`);
  try {
    const run = await runCli(
      [
        'audit',
        '--org',
        '--role-name',
        ORG_ROLE_NAME,
        '--format',
        'json',
        '--output',
        output,
        '--key-ids',
        keyIds,
        '--fail-on',
        'none',
        '--endpoint-url',
        emulator.url,
        '--now',
        now.toISOString(),
        ...(options.concurrency !== undefined ? ['--concurrency', String(options.concurrency)] : []),
      ],
      work,
      {
        ...retry(options),
        ...(options.cpuProfileDir
          ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] }
          : {}),
      },
    );
    const c = calls(emulator);
    const accounts = auditAccounts(readFileSync(output, 'utf8'));
    rmSync(output, { force: true });
    const ok = accounts.filter((a) => a.status === 'ok');
    const failed = accounts.filter((a) => a.status === 'error');
    const users = ok.reduce((total, a) => total + (a.summary?.users ?? 0), 0);
    const findings = ok.reduce((total, a) => total + (a.summary?.findings ?? 0), 0);
    const lost = options.accounts - ok.length;
    return [
      `### audit, \`--key-ids ${keyIds}\``,
      '',
      '| | |',
      '|---|---|',
      `| wall time (spawn to exit) | **${s(run.wallMs)}** (target under 60 s: ${run.wallMs < 60_000 ? 'met' : 'NOT met'}) |`,
      `| peak RSS, CLI process | **${run.maxRssMiB} MiB** (target under 500 MB: ${run.maxRssMiB * 2 ** 20 < 500e6 ? 'met' : 'NOT met'}) |`,
      `| CPU time, CLI process / emulator | ${s(run.cpuMs)} / ${s(run.emulatorCpuMs)} |`,
      `| exit code | ${run.exitCode} |`,
      `| accounts ok / error / missing from the report | ${ok.length} / ${failed.length} / ${options.accounts - accounts.length} (no account lost: ${lost === 0 ? 'yes' : 'NO'}) |`,
      `| users seen / findings | ${n(users)} / ${n(findings)} |`,
      `| calls to the emulator (attempts) | ${n(c.total)}, of which ${n(c.throttled)} throttled and sent again${c.errors > 0 ? `, ${n(c.errors)} failed` : ''} |`,
      `| world generated / emulator loaded | ${s(worldMs)} / ${s(emulatorMs)} |`,
      '',
      `Calls by operation (throttled among them): ${c.byOperation}.`,
      ...(failed.length > 0
        ? ['', `Failed accounts: ${failed.map((a) => `${a.accountId}: ${a.error}`).join('; ')}`]
        : []),
      ...(run.exitCode !== 0 ? ['', `stderr: ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`] : []),
      '',
    ];
  } finally {
    await emulator.stop();
  }
}

async function orgApply(options: OrgBenchOptions, work: string): Promise<string[]> {
  const { world, dueKeys } = applyOrgWorld({
    accounts: options.accounts,
    usersPerAccount: options.usersPerAccount,
    dueKeys: options.dueKeys,
  });
  const now = benchNow();
  const faults: FaultRule[] = [{ latencyMs: options.latencyMs, throttleRate: options.applyThrottleRate }];
  const emulator = await organizationEmulator(world, now, faults);
  const journal = join(work, 'journal.jsonl');
  const common = [
    '--org',
    '--role-name',
    ORG_ROLE_NAME,
    '--format',
    'json',
    '--max-actions',
    String(options.dueKeys),
    '--inventory',
    'report',
    '--journal',
    journal,
    '--endpoint-url',
    emulator.url,
    ...(options.concurrency !== undefined ? ['--concurrency', String(options.concurrency)] : []),
  ];
  try {
    // What apply has to do, planned first (same faults; its calls are not counted below).
    const plan = await runCli(['plan', ...common], work, retry(options));
    const planned = accountLines(plan.stdout).flatMap((a) => a.plan?.actions ?? []);
    const before = keyStatuses(emulator);
    emulator.faults.resetCounts();
    const apply = await runCli(['apply', '--yes', ...common], work, retry(options));
    const after = keyStatuses(emulator);
    const c = calls(emulator);
    const check = checkApply({
      dueKeys,
      planned,
      records: parseJournal(readFileSync(journal, 'utf8')).records,
      before,
      after,
      updateAccessKeySucceeded: succeededCalls(emulator, 'iam', 'UpdateAccessKey'),
    });
    const applied = accountLines(apply.stdout);
    return [
      `### apply, ${n(dueKeys.length)} due deactivations (\`--inventory report\`, file journal)`,
      '',
      '| | |',
      '|---|---|',
      `| wall time (spawn to exit) | **${s(apply.wallMs)}** (the plan before it: ${s(plan.wallMs)}) |`,
      `| peak RSS, CLI process | **${apply.maxRssMiB} MiB** |`,
      `| CPU time, CLI process / emulator | ${s(apply.cpuMs)} / ${s(apply.emulatorCpuMs)} |`,
      `| exit code | ${apply.exitCode} (accounts ok ${applied.filter((a) => a.status === 'ok').length} of ${options.accounts}) |`,
      `| planned actions / deactivations | ${n(check.plannedActions)} / ${n(check.plannedDeactivations)} |`,
      `| journaled exactly once (one intent, one outcome) / of them done | ${n(check.journaledOnce)} of ${n(check.plannedActions)} / ${n(check.doneExactlyOnce)} |`,
      `| outcomes | ${Object.entries(check.outcomes)
        .map(([label, count]) => `${label}: ${n(count)}`)
        .join('; ')} |`,
      `| keys deactivated in the emulator / UpdateAccessKey carried out | ${n(check.deactivatedInEmulator)} / ${n(check.updateAccessKeySucceeded)} |`,
      `| calls to the emulator (attempts) | ${n(c.total)}, of which ${n(c.throttled)} throttled and sent again${c.errors > 0 ? `, ${n(c.errors)} failed` : ''} |`,
      `| plan, journal and emulator agree | **${check.problems.length === 0 ? 'yes' : 'NO'}** |`,
      '',
      `Calls by operation (throttled among them): ${c.byOperation}.`,
      ...check.problems.map((p) => `- ${p}`),
      ...(apply.exitCode !== 0
        ? ['', `stderr: ${apply.stderr.trim().split('\n').slice(-3).join(' / ')}`]
        : []),
      '',
    ];
  } finally {
    await emulator.stop();
  }
}

/** Prints the organization part as Markdown. */
export async function orgBench(options: OrgBenchOptions): Promise<void> {
  console.log(
    `## organization: ${n(options.accounts)} accounts × ${n(options.usersPerAccount)} users, ` +
      `${options.latencyMs} ms per call, the CLI in a child process (${options.concurrency ?? 'default'} accounts at once)`,
  );
  console.log(
    `throttled at random: ${options.auditThrottleRate * 100}% of calls (audit), ${options.applyThrottleRate * 100}% (apply); ` +
      `retry mode ${options.retryMode ?? 'adaptive (default)'}\n`,
  );
  const work = mkdtempSync(join(tmpdir(), 'keywarden-orgbench-'));
  try {
    if (options.parts.includes('audit')) {
      for (const keyIds of options.keyIds) console.log((await orgAudit(options, keyIds, work)).join('\n'));
    }
    if (options.parts.includes('apply')) console.log((await orgApply(options, work)).join('\n'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
