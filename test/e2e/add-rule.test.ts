/**
 * Adding a rule touches its own file and one registry line: a throwaway rule is added to a copy of
 * src/ exactly that way, the copy type-checks, and the policy schema, the defaults, `init`'s text,
 * the audit and the exemptions all know the new rule without another edit.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'kw-add-rule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The whole new rule: an inactive key kept too long is clutter an attacker could reactivate. */
const RULE_FILE = `import { daysBetween } from '../days.js';
import { days } from '../policy/fields.js';
import { NOT_APPLICABLE, verdict } from './shared.js';
import { userRule, type Violation } from './types.js';

export const staleInactiveKey = userRule({
  id: 'STALE_INACTIVE_KEY',
  title: 'Inactive access key kept',
  severity: 'low',
  description: 'An inactive access key kept for more than maxInactiveDays after its last use.',
  recommendation: 'Delete the inactive access key, or reactivate it if it is still needed.',
  params: { maxInactiveDays: days },
  defaults: { enabled: true, maxInactiveDays: 30 },
  evaluateUser(user, settings, now) {
    const inactive = user.accessKeys.filter((k) => k.status === 'Inactive');
    if (inactive.length === 0) return NOT_APPLICABLE;
    const violations: Violation[] = [];
    for (const key of inactive) {
      const idle = daysBetween(key.lastUsedDate ?? key.createDate, now);
      if (idle <= settings.maxInactiveDays) continue;
      violations.push({
        credential: 'access-key', key, rootKeySlot: null, ageDays: daysBetween(key.createDate, now),
        lastUsedDaysAgo: key.lastUsedDate === null ? null : idle,
        text: \`Inactive access key \${key.accessKeyId} is kept \${idle} days after its last use\`,
      });
    }
    return verdict(violations);
  },
});
`;

/** Exercises the copy: policy file, defaults, init text, audit with an exemption. */
const PROBE = `import { evaluateAccount } from './src/core/audit-account.js';
import { DEFAULT_POLICY_YAML } from './src/core/policy/init-text.js';
import { parsePolicy } from './src/core/policy/resolve.js';
import { DEFAULT_POLICY } from './src/core/policy/types.js';

const now = new Date('2026-11-22T12:00:00Z');
const ago = (d: number) => new Date(now.getTime() - d * 86_400_000);
const key = (id: string) => ({ accessKeyId: id, idAmbiguous: false, slot: 1 as const, status: 'Inactive' as const,
  createDate: ago(200), lastUsedDate: ago(60), lastUsedService: null, lastUsedRegion: null });
const user = (userName: string, tags: Record<string, string> = {}) => ({ accountId: '123456789012', userName,
  userId: 'AIDA' + userName.toUpperCase(), arn: 'arn:aws:iam::123456789012:user/' + userName, path: '/',
  createDate: ago(400), tags, groups: [], loginProfile: null, passwordLastUsed: null, mfaActive: false,
  accessKeys: [key('AKIA' + userName.toUpperCase())] });
const file = parsePolicy('version: 1\\nrules:\\n  STALE_INACTIVE_KEY: { maxInactiveDays: 45 }\\n', 'p.yaml');
const bad = parsePolicy('version: 1\\nrules:\\n  STALE_INACTIVE_KEY: { maxInactiveDays: 0 }\\n', 'p.yaml');
const init = parsePolicy(DEFAULT_POLICY_YAML, 'keywarden.yaml');
const audit = evaluateAccount({ accountId: '123456789012', source: 'live', reportGeneratedAt: null, root: null,
  ssmExcludedUsers: null, users: [user('kept'), user('vendor', { 'keywarden:exempt': 'true' })] },
  file.value!, now);
console.log(JSON.stringify({
  defaults: DEFAULT_POLICY.rules,
  fromFile: file.value?.rules,
  badError: bad.errors[0],
  initMentions: DEFAULT_POLICY_YAML.includes('STALE_INACTIVE_KEY'),
  initRoundTrips: JSON.stringify(init.value) === JSON.stringify(DEFAULT_POLICY),
  findings: audit.findings.map((f) => [f.userName, f.rule, f.severity, f.exempt]),
}));
`;

describe('adding a rule', () => {
  it('takes its own file and one registry line', { timeout: 180_000 }, async () => {
    // Prepare: a copy of src/ with the rule file and its registry line, nothing else.
    cpSync(join(REPO_ROOT, 'src'), join(dir, 'src'), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    cpSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
    writeFileSync(join(dir, 'src/core/rules/stale-inactive-key.ts'), RULE_FILE);
    const registryPath = join(dir, 'src/core/rules/registry.ts');
    const registry = readFileSync(registryPath, 'utf8')
      .replace(
        "import { rootAccessKey } from './root-access-key.js';",
        (line) => `${line}\nimport { staleInactiveKey } from './stale-inactive-key.js';`,
      )
      .replace('  consoleWithoutMfa,\n] as const;', '  consoleWithoutMfa,\n  staleInactiveKey,\n] as const;');
    expect(registry).toContain('staleInactiveKey,\n] as const;');
    writeFileSync(registryPath, registry);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: join(REPO_ROOT, 'tsconfig.json'), include: ['src', 'probe.ts'] }),
    );
    writeFileSync(join(dir, 'probe.ts'), PROBE);

    // Act
    const typecheck = await run(process.execPath, [
      join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      dir,
      '--noEmit',
    ])
      .then(() => 'ok')
      .catch((error: { stdout?: string }) => error.stdout ?? String(error));
    const probe = await run(process.execPath, ['--import', 'tsx', 'probe.ts'], { cwd: dir });
    const out = JSON.parse(probe.stdout) as {
      defaults: Record<string, unknown>;
      fromFile: Record<string, unknown>;
      badError: string;
      initMentions: boolean;
      initRoundTrips: boolean;
      findings: [string, string, string, boolean][];
    };

    // Assess
    expect(typecheck).toBe('ok');
    expect(out.defaults.STALE_INACTIVE_KEY).toEqual({ enabled: true, maxInactiveDays: 30 });
    expect(out.fromFile.STALE_INACTIVE_KEY).toEqual({ enabled: true, maxInactiveDays: 45 });
    expect(out.badError).toBe(
      'p.yaml: rules.STALE_INACTIVE_KEY.maxInactiveDays: must be an integer from 1 to 10000 (got 0)',
    );
    expect(out.initMentions).toBe(true);
    expect(out.initRoundTrips).toBe(true);
    expect(out.findings).toEqual([
      ['kept', 'STALE_INACTIVE_KEY', 'low', false],
      ['vendor', 'STALE_INACTIVE_KEY', 'low', true],
    ]);
  });
});
