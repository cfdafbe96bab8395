/**
 * One audit in a fresh process, run from the built package (dist/, as `keywarden audit` runs it) so
 * its time and peak memory are its own: prints `{ wallMs, cpuMs, processMs, maxRssMiB,
 * findings, usersWithKeyFindings, calls, callsByOperation }` as one JSON line (`{ error }` when the audit
 * failed). `wallMs` is the audit (inventory and evaluation, the SDK's first-call loading included);
 * `cpuMs` the CPU time this process spent on it (what a busy machine stretches into wall time);
 * `processMs` is from the process's start, Node's own start and module loading included.
 * Usage: node bench/audit-once.mjs <endpoint> <findings|none|live> <concurrency> <now ISO>
 */

import { DEFAULT_POLICY } from '../dist/core/policy/types.js';
import { auditAccount } from '../dist/engine/audit.js';
import { createClients } from '../dist/sdk/clients.js';
import { countCalls } from './calls.mjs';

const [endpoint = '', mode = 'findings', concurrency = '16', now = new Date().toISOString()] =
  process.argv.slice(2);
const policy = {
  ...DEFAULT_POLICY,
  inventory: {
    ...DEFAULT_POLICY.inventory,
    mode: mode === 'live' ? 'live' : 'report',
    keyIds: mode === 'none' ? 'none' : 'findings',
    concurrency: Number(concurrency),
  },
};
const clients = createClients({
  endpoint,
  credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
});
const calls = countCalls([clients.iam, clients.sts, clients.ssm]);
const started = performance.now();
const cpuAtStart = process.cpuUsage();
try {
  const audit = await auditAccount({ clients, clock: () => new Date(now), sleep: async () => {} }, policy);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  const usersWithKeyFindings = new Set(
    audit.findings.filter((f) => f.credential === 'access-key').map((f) => f.userName),
  );
  process.stdout.write(
    `${JSON.stringify({
      wallMs: Math.round(wallMs),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      processMs: Math.round(performance.now()),
      maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      findings: audit.findings.length,
      usersWithKeyFindings: usersWithKeyFindings.size,
      calls: calls.total(),
      callsByOperation: calls.byOperation(),
    })}\n`,
  );
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
  );
} finally {
  for (const client of [clients.iam, clients.sts, clients.ssm]) client.destroy();
}
