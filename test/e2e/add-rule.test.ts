/**
 * Adding a rule touches its own file and one registry line: a throwaway rule is added to a copy of
 * src/ exactly that way, the copy type-checks, and the policy schema, the defaults, `init`'s text,
 * the audit and the exemptions all know the new rule without another edit.
 *
 * Remediation takes no more: in another copy, a rule that remediates its findings with an existing
 * action is its file and one registry line, and a new action is its definition
 * (src/core/actions/), its executor (src/aws/apply/) and one line in the executors' registry. The
 * files each addition touches are counted, and the result is shown to work: the plan holds the
 * action, the journal reads it back, the permissions list it, and `keywarden apply` carries the new
 * action out against the emulator.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { processEnv } from '../support/env.js';

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
  // No published control checks this: every list is empty.
  compliance: { cis: {}, securityHub: [], awsConfigRule: null, nist80053r5: [] },
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
  createDate: ago(400), tags, groups: [], loginProfile: null, passwordLastUsed: null, mfaActive: false, attachedPolicyArns: [],
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
      .replace('  exposedAccessKey,\n] as const;', '  exposedAccessKey,\n  staleInactiveKey,\n] as const;');
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

// ---- a rule that remediates, and a new action ----

const copy = mkdtempSync(join(tmpdir(), 'kw-add-remediation-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** Every file under the copy's src/, by path, with its text. */
function srcTree(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(copy, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(copy, path), readFileSync(path, 'utf8'));
  }
  return files;
}

/** The src files added or changed since `before`, sorted. */
function touchedSince(before: ReadonlyMap<string, string>): string[] {
  return [...srcTree()]
    .filter(([path, text]) => before.get(path) !== text)
    .map(([path]) => path)
    .sort();
}

/** Writes `text` over the copy's file, after checking that the anchor it edits around is there. */
function edit(path: string, change: (text: string) => string): void {
  const file = join(copy, path);
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
}

/** Adds a rule file and its line in the rules' registry. */
function addRule(file: string, name: string, text: string): void {
  writeFileSync(join(copy, 'src/core/rules', `${file}.ts`), text);
  edit('src/core/rules/registry.ts', (registry) =>
    registry
      .replace(
        "import { rootAccessKey } from './root-access-key.js';",
        (line) => `${line}\nimport { ${name} } from './${file}.js';`,
      )
      .replace('\n] as const;', `\n  ${name},\n] as const;`),
  );
}

async function typecheckCopy(): Promise<string> {
  return run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', copy, '--noEmit'])
    .then(() => 'ok')
    .catch((error: { stdout?: string }) => error.stdout ?? String(error));
}

async function probe<T>(file: string, text: string): Promise<T> {
  writeFileSync(join(copy, file), text);
  const env = processEnv({ AWS_ACCESS_KEY_ID: 'AKIDADDRULE', AWS_SECRET_ACCESS_KEY: 'x' });
  const out = await run(process.execPath, ['--import', 'tsx', file], { cwd: copy, env });
  return JSON.parse(out.stdout) as T;
}

/** STALE_INACTIVE_KEY again, now remediated: each finding's key is deleted with delete-key. */
const REMEDIATING_RULE = RULE_FILE.replace(
  "import { daysBetween } from '../days.js';",
  "import { deleteKey } from '../actions/delete-key.js';\nimport { eachFinding } from '../actions/remediation.js';\nimport { daysBetween } from '../days.js';",
).replace(
  '  defaults: { enabled: true, maxInactiveDays: 30 },\n',
  "  defaults: { enabled: true, maxInactiveDays: 30 },\n  remediation: eachFinding(deleteKey, { ownerAction: 'Nothing: the key could no longer be used' }),\n",
);

/** Plans an account with the remediating rule; the journal and the permissions see its action. */
const PROBE_EXISTING_ACTION = `import { parseRecord } from './src/core/journal/records.js';
import { journalFactsFrom } from './src/core/plan/facts.js';
import { planAccount } from './src/core/plan/planner.js';
import { parsePolicy } from './src/core/policy/resolve.js';
import { remediationPermissions } from './src/engine/permissions.js';

const now = new Date('2026-11-22T12:00:00Z');
const ago = (d: number) => new Date(now.getTime() - d * 86_400_000);
const inactive = (id: string, lastUsed: number) => ({ accessKeyId: id, idAmbiguous: false, slot: 1 as const,
  status: 'Inactive' as const, createDate: ago(200), lastUsedDate: ago(lastUsed), lastUsedService: null, lastUsedRegion: null });
const user = (userName: string, key: ReturnType<typeof inactive>, tags: Record<string, string> = {}) => ({
  accountId: '123456789012', userName, userId: 'AIDA' + userName.toUpperCase(),
  arn: 'arn:aws:iam::123456789012:user/' + userName, path: '/', createDate: ago(400), tags, groups: [],
  loginProfile: null, passwordLastUsed: null, mfaActive: false, attachedPolicyArns: [], accessKeys: [key] });
const inventory = { accountId: '123456789012', source: 'live' as const, reportGeneratedAt: null, root: null,
  ssmExcludedUsers: null, users: [user('kept', inactive('AKIAKEPT', 60), { 'keywarden:owner': 'ops@example.com' }),
    user('recent', inactive('AKIARECENT', 10)), user('vendor', inactive('AKIAVENDOR', 60), { 'keywarden:exempt': 'true' })] };
// The journal saw each key go inactive 5 days ago: the rotation lifecycle waits, the new rule does not.
const facts = journalFactsFrom({ inactiveSince: Object.fromEntries(
  ['AKIAKEPT', 'AKIARECENT', 'AKIAVENDOR'].map((k) => ['123456789012/' + k, ago(5)])) });
const policy = parsePolicy('version: 1\\n', 'p.yaml').value!;
const runbook = parsePolicy('version: 1\\nremediation: { mode: runbook }\\n', 'p.yaml').value!;
const plan = planAccount(inventory, policy, now, facts);
const deleteKey = plan.actions.find((a) => a.type === 'delete-key');
const intent = JSON.stringify({ v: 1, runId: 'run-1', at: now.toISOString(), type: 'intent', actionId: deleteKey?.id, action: deleteKey });
const read = parseRecord(intent, 1);
console.log(JSON.stringify({
  actions: plan.actions.map((a) => [a.userName, a.type, a.stage, a.rule]),
  deleteKey,
  notice: plan.actions.find((a) => a.type === 'notify'),
  skipped: plan.skipped.map((s) => [s.userName, s.rule, s.stage]),
  runbook: planAccount(inventory, runbook, now, facts).actions.length,
  readBack: 'record' in read && read.record.type === 'intent' ? read.record.action : read,
  permissions: remediationPermissions(policy).filter((p) => p === 'iam:DeleteAccessKey'),
}));
`;

/** A new rule that remediates with a new action. */
const PASSWORD_RULE = `import { eachFinding } from '../actions/remediation.js';
import { requirePasswordReset } from '../actions/require-password-reset.js';
import { daysBetween } from '../days.js';
import { days } from '../policy/fields.js';
import { NOT_APPLICABLE, verdict } from './shared.js';
import { userRule } from './types.js';

export const oldConsolePassword = userRule({
  id: 'OLD_CONSOLE_PASSWORD',
  title: 'Old console password',
  severity: 'low',
  description: 'A console password set more than maxPasswordAgeDays ago.',
  recommendation: 'Choose a new console password.',
  // No published control checks this: every list is empty.
  compliance: { cis: {}, securityHub: [], awsConfigRule: null, nist80053r5: [] },
  params: { maxPasswordAgeDays: days },
  defaults: { enabled: true, maxPasswordAgeDays: 90 },
  remediation: eachFinding(requirePasswordReset, { ownerAction: 'Choose a new password when you next sign in' }),
  evaluateUser(user, settings, now) {
    const profile = user.loginProfile;
    if (profile === null) return NOT_APPLICABLE;
    const ageDays = daysBetween(profile.createDate, now);
    if (ageDays <= settings.maxPasswordAgeDays) return verdict(undefined);
    return verdict([{
      credential: 'password', key: null, rootKeySlot: null, ageDays,
      lastUsedDaysAgo: user.passwordLastUsed === null ? null : daysBetween(user.passwordLastUsed, now),
      text: \`Console password was set \${ageDays} days ago (limit \${settings.maxPasswordAgeDays})\`,
    }]);
  },
});
`;

/** The new action's definition: its journal fields, permissions, live check and remedy. */
const ACTION_DEFINITION = `import * as z from 'zod';
import { type LiveCheck, type LiveLoginProfile, OK, seconds, skip } from '../plan/live-checks.js';
import { PASSWORD_SUBJECT, type PlannedOf, remedyAction } from './action.js';

const fields = { expect: z.object({ loginProfileCreateDate: z.string() }) };

/** The user must choose a new console password at the next sign-in. */
export const requirePasswordReset = remedyAction({
  type: 'require-password-reset',
  fields,
  permissions: ['iam:GetLoginProfile', 'iam:GetUser', 'iam:UpdateLoginProfile'],
  changesAws: true,
  rank: () => 5,
  accessKeyId: () => null,
  summary: () => 'console password (new one at the next sign-in)',
  undo: (a) => ({
    kind: 'irreversible',
    accessKeyId: null,
    reason: \`\${a.userName} still has to choose a new password; clear it with iam update-login-profile --no-password-reset-required\`,
  }),
  remedy: {
    event: 'rotation',
    plan({ user, credential }) {
      if (credential !== 'password' || user.loginProfile === null) {
        return { blocked: 'the finding is not about a console password' };
      }
      return {
        subject: PASSWORD_SUBJECT,
        fields: { expect: { loginProfileCreateDate: user.loginProfile.createDate.toISOString() } },
      };
    },
    happened: () => 'The console password must be changed at the next sign-in',
  },
});

/** The console password is still the one the plan saw. */
export function checkRequirePasswordReset(
  action: PlannedOf<'require-password-reset', typeof fields>,
  live: LiveLoginProfile,
): LiveCheck {
  if (live.createDate === null) return skip('the user no longer has a console password');
  if (seconds(live.createDate) !== seconds(action.expect.loginProfileCreateDate)) {
    return skip('the console password was set again since the plan; plan again');
  }
  return OK;
}
`;

/** The new action's AWS call. */
const ACTION_EXECUTOR = `import { type IAMClient, UpdateLoginProfileCommand } from '@aws-sdk/client-iam';
import { checkRequirePasswordReset } from '../../core/actions/require-password-reset.js';
import { type ActionOutcome, done, fromCheck } from '../../core/plan/outcome.js';
import type { Action } from '../../core/plan/types.js';
import { callAws } from '../../sdk/errors.js';
import { loginProfileState } from './live-state.js';

/** Asks for a new console password at the next sign-in, if the password is the one the plan saw. */
export async function requirePasswordReset(
  action: Extract<Action, { type: 'require-password-reset' }>,
  iam: IAMClient,
): Promise<ActionOutcome> {
  const skip = fromCheck(checkRequirePasswordReset(action, await loginProfileState(iam, action.userName)));
  if (skip !== null) return skip;
  const out = await callAws('iam:UpdateLoginProfile', action.userName, () =>
    iam.send(new UpdateLoginProfileCommand({ UserName: action.userName, PasswordResetRequired: true })),
  );
  return done(out.$metadata.requestId);
}
`;

/** \`keywarden plan\` and \`apply\` (the copy's CLI) against the copy's emulator. */
const PROBE_NEW_ACTION = `import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parseJournal } from './src/core/journal/records.js';
import { parsePolicy } from './src/core/policy/resolve.js';
import { startEmulator } from './src/emulator/server.js';
import { PERMISSION_GROUPS, remediationPermissions } from './src/engine/permissions.js';

const run = promisify(execFile);
const ACCOUNT = '111111111111';
writeFileSync('cli.ts', "import { main } from './src/cli/main.js';\\nprocess.exitCode = await main(process.argv.slice(2));\\n");
writeFileSync('keywarden.yaml', 'version: 1\\n');
const emu = await startEmulator({
  clock: { start: new Date('2026-11-22T12:00:00Z'), frozen: true },
  world: { accounts: [{ id: ACCOUNT, users: [
    { name: 'console-old', createdDaysAgo: 300, loginProfile: { createdDaysAgo: 200, passwordLastUsedDaysAgo: 1 } },
    { name: 'console-new', createdDaysAgo: 300, loginProfile: { createdDaysAgo: 20, passwordLastUsedDaysAgo: 1 } },
  ] }] },
});
const cli = async (...args: string[]) => {
  const out = await run(process.execPath, ['--import', 'tsx', 'cli.ts', ...args, '--endpoint-url', emu.url,
    '--journal', 'journal.jsonl', '--config', 'keywarden.yaml', '--format', 'json']);
  return JSON.parse(out.stdout);
};
const called = () => new Map(emu.faults.calls().map((c) => [c.service + ':' + c.operation, c.count]));
try {
  const plan = await cli('plan');
  const before = called();
  const applied = await cli('apply', '--yes');
  const calls = [...called()].filter(([call, n]) => n > (before.get(call) ?? 0)).map(([call]) => call);
  const iam = emu.state.accounts.get(ACCOUNT)?.iam;
  const policy = parsePolicy('version: 1\\n', 'keywarden.yaml').value!;
  const declared: string[] = remediationPermissions({ ...policy, inventory: { ...policy.inventory, mode: 'live' } });
  console.log(JSON.stringify({
    planned: plan.actions.map((a: { userName: string; type: string; stage: string }) => [a.userName, a.type, a.stage]),
    results: applied.results.map((r: { userName: string; type: string; status: string }) => [r.userName, r.type, r.status]),
    resetRequired: ['console-old', 'console-new'].map((n) => iam?.users.get(n)?.loginProfile?.passwordResetRequired),
    journaled: parseJournal(readFileSync('journal.jsonl', 'utf8')).records.flatMap((r) => (r.type === 'intent' ? [r.action.type] : [])),
    permissionGroup: PERMISSION_GROUPS.find((g) => g.name === 'remediation: require-password-reset')?.permissions,
    undeclaredCalls: calls.filter((c) => !declared.includes(c)),
    changeCalls: calls.filter((c) => c === 'iam:UpdateLoginProfile'),
  }));
} finally {
  await emu.stop();
}
`;

describe('adding a rule that remediates, then a new action', () => {
  beforeAll(() => {
    cpSync(join(REPO_ROOT, 'src'), join(copy, 'src'), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    cpSync(join(REPO_ROOT, 'package.json'), join(copy, 'package.json'));
    writeFileSync(
      join(copy, 'tsconfig.json'),
      JSON.stringify({ extends: join(REPO_ROOT, 'tsconfig.json'), include: ['src', '*.ts'] }),
    );
  });

  it('with an existing action takes the rule file and one registry line', { timeout: 300_000 }, async () => {
    // Prepare: the rule names delete-key as its remediation; nothing else is edited.
    const before = srcTree();
    addRule('stale-inactive-key', 'staleInactiveKey', REMEDIATING_RULE);

    // Act
    const touched = touchedSince(before);
    const typecheck = await typecheckCopy();
    const out = await probe<{
      actions: [string, string, string, string][];
      deleteKey: Record<string, unknown>;
      notice: Record<string, unknown>;
      skipped: [string, string, string][];
      runbook: number;
      readBack: Record<string, unknown>;
      permissions: string[];
    }>('probe-existing-action.ts', PROBE_EXISTING_ACTION);

    // Assess: 2 src files (at most 3); the plan deletes the kept key and tells its owner; the
    // exempt user is skipped; runbook mode plans nothing; the journal reads the action back as it is.
    expect(touched).toEqual(['src/core/rules/registry.ts', 'src/core/rules/stale-inactive-key.ts']);
    expect(typecheck).toBe('ok');
    expect(out.actions).toEqual([
      ['kept', 'delete-key', 'remediate', 'STALE_INACTIVE_KEY'],
      ['kept', 'notify', 'remediate', 'STALE_INACTIVE_KEY'],
    ]);
    expect(out.deleteKey).toMatchObject({
      id: '123456789012/kept/AKIAKEPT/delete-key/remediate',
      accessKeyId: 'AKIAKEPT',
      expect: { status: 'Inactive', lastUsedDate: '2026-09-23T12:00:00.000Z' },
    });
    expect(out.notice).toMatchObject({
      recipient: 'ops@example.com',
      happened:
        'Inactive access key AKIAKEPT was deleted because: Inactive access key AKIAKEPT is kept 60 days after its last use.',
      ownerAction: 'Nothing: the key could no longer be used.',
    });
    expect(out.skipped).toEqual([['vendor', 'STALE_INACTIVE_KEY', 'remediate']]);
    expect(out.runbook).toBe(0);
    expect(out.readBack).toEqual(out.deleteKey);
    expect(out.permissions).toEqual(['iam:DeleteAccessKey']);
  });

  it('with a new action takes its definition, its executor and one executor line', {
    timeout: 300_000,
  }, async () => {
    // Prepare: a second rule (its file and registry line), remediated with a new action.
    const before = srcTree();
    addRule('old-console-password', 'oldConsolePassword', PASSWORD_RULE);
    const ruleFiles = touchedSince(before);
    writeFileSync(join(copy, 'src/core/actions/require-password-reset.ts'), ACTION_DEFINITION);
    writeFileSync(join(copy, 'src/aws/apply/require-password-reset.ts'), ACTION_EXECUTOR);
    edit('src/aws/apply/registry.ts', (registry) =>
      registry
        .replace(
          "import { reactivateKey } from './reactivate-key.js';",
          (line) => `${line}\nimport { requirePasswordReset } from './require-password-reset.js';`,
        )
        .replace(
          '} satisfies {',
          "  'require-password-reset': (a, run) => requirePasswordReset(a, run.clients.iam),\n} satisfies {",
        ),
    );

    // Act
    const actionFiles = touchedSince(before).filter((path) => !ruleFiles.includes(path));
    const typecheck = await typecheckCopy();
    const out = await probe<{
      planned: [string, string, string][];
      results: [string, string, string][];
      resetRequired: (boolean | undefined)[];
      journaled: string[];
      permissionGroup: string[] | undefined;
      undeclaredCalls: string[];
      changeCalls: string[];
    }>('probe-new-action.ts', PROBE_NEW_ACTION);

    // Assess: 3 src files for the action; apply makes the call, journals it, and calls nothing undeclared.
    expect(ruleFiles).toEqual(['src/core/rules/old-console-password.ts', 'src/core/rules/registry.ts']);
    expect(actionFiles).toEqual([
      'src/aws/apply/registry.ts',
      'src/aws/apply/require-password-reset.ts',
      'src/core/actions/require-password-reset.ts',
    ]);
    expect(typecheck).toBe('ok');
    expect(out.planned).toEqual([
      ['console-old', 'require-password-reset', 'remediate'],
      ['console-old', 'notify', 'remediate'],
    ]);
    expect(out.results).toEqual([
      ['console-old', 'require-password-reset', 'done'],
      ['console-old', 'notify', 'skipped'],
    ]);
    expect(out.resetRequired).toEqual([true, false]);
    expect(out.journaled).toEqual(['require-password-reset', 'notify']);
    expect(out.permissionGroup).toEqual(['iam:GetLoginProfile', 'iam:GetUser', 'iam:UpdateLoginProfile']);
    expect(out.undeclaredCalls).toEqual([]);
    expect(out.changeCalls).toEqual(['iam:UpdateLoginProfile']);
  });
});
