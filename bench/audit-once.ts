/**
 * One audit in a fresh process, so its peak memory is its own: prints
 * `{ wallMs, maxRssMiB, findings, usersWithKeyFindings }` as one JSON line.
 * Usage: tsx bench/audit-once.ts <endpoint> <report|live> <concurrency>
 */
import { createClients } from '../src/aws/clients.js';
import { DEFAULT_POLICY, type Policy } from '../src/core/policy/types.js';
import { auditAccount } from '../src/engine/audit.js';

const [endpoint = '', mode = 'report', concurrency = '8', now = new Date().toISOString()] =
  process.argv.slice(2);
const policy: Policy = {
  ...DEFAULT_POLICY,
  inventory: {
    ...DEFAULT_POLICY.inventory,
    mode: mode === 'live' ? 'live' : 'report',
    concurrency: Number(concurrency),
  },
};
const clients = createClients({
  endpoint,
  credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
});
const started = performance.now();
const audit = await auditAccount({ clients, clock: () => new Date(now), sleep: async () => {} }, policy);
const wallMs = performance.now() - started;
const usersWithKeyFindings = new Set(
  audit.findings.filter((f) => f.credential === 'access-key').map((f) => f.userName),
);
process.stdout.write(
  `${JSON.stringify({
    wallMs: Math.round(wallMs),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    findings: audit.findings.length,
    usersWithKeyFindings: usersWithKeyFindings.size,
  })}\n`,
);
