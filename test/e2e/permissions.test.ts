/**
 * The permissions Keywarden declares, compared with the calls the emulator's counters saw: every
 * call an audit (both inventory modes), a plan, an apply and each notification channel makes must be
 * declared for that use, so roles built from the declarations are enough.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/core/policy/resolve.js';
import type { Policy } from '../../src/core/policy/types.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { auditPermissions, remediationPermissions } from '../../src/engine/permissions.js';
import { runCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';
import { sightingRun, writeJournal } from '../support/journal.js';
import { type SlackReceiver, startSlackReceiver } from './channels-support.js';

const ACCOUNT = '222222222222';
const CENTRAL = '111111111111';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:keywarden-security`;
const WEBHOOK_PARAMETER = '/keywarden/slack-webhook';
const SPARE = 'AKIASPAREINACTIVE001';
const OLD_INACTIVE = 'AKIAOLDINACTIVE00001';

function world(webhookUrl: string): World {
  return {
    organizations: [{ id: 'o-permission1', managementAccountId: CENTRAL }],
    accounts: [
      { id: CENTRAL, snsTopics: [{ name: 'keywarden-security' }] },
      {
        id: ACCOUNT,
        groups: [{ name: 'keywarden-exempt' }],
        ssmParameters: [
          { name: '/iam-unused-user-cleanup/excluded-users', value: 'svc-listed', type: 'StringList' },
          { name: WEBHOOK_PARAMETER, value: webhookUrl, type: 'SecureString' },
        ],
        users: [
          { name: 'rotate-me', accessKeys: [{ createdDaysAgo: 95, lastUsedDaysAgo: 1 }] },
          { name: 'unused', accessKeys: [{ createdDaysAgo: 120, lastUsedDaysAgo: 'never' }] },
          {
            name: 'spare',
            accessKeys: [
              { id: SPARE, status: 'Inactive', createdDaysAgo: 200, lastUsedDaysAgo: 150 },
              { createdDaysAgo: 95, lastUsedDaysAgo: 1 },
            ],
          },
          {
            name: 'old-inactive',
            accessKeys: [{ status: 'Inactive', createdDaysAgo: 300, lastUsedDaysAgo: 280 }],
          },
          {
            name: 'console',
            mfa: false,
            groups: ['keywarden-exempt'],
            loginProfile: { createdDaysAgo: 150, passwordLastUsedDaysAgo: 100 },
          },
          { name: 'console-open', loginProfile: { createdDaysAgo: 150, passwordLastUsedDaysAgo: 100 } },
          { name: 'svc-listed', accessKeys: [{ createdDaysAgo: 200, lastUsedDaysAgo: 'never' }] },
        ],
      },
    ],
  };
}

const POLICY = [
  'version: 1',
  'rules: { CONSOLE_WITHOUT_MFA: { enabled: true } }',
  'exemptions:',
  '  groups: [{ group: keywarden-exempt, reason: approved }]',
  '  ssmParameter: { name: /iam-unused-user-cleanup/excluded-users }',
  'notifications:',
  '  securityTeamEmail: security@example.com',
  `  sns: { topicArn: "${TOPIC}" }`,
  '  email: { from: keywarden@example.com }',
  `  slack: { webhookUrlSsmParameter: "${WEBHOOK_PARAMETER}" }`,
].join('\n');

let emu: Emulator;
let slack: SlackReceiver;
const dir = mkdtempSync(join(tmpdir(), 'kw-permissions-'));
const policyPath = join(dir, 'keywarden.yaml');
const journalPath = join(dir, 'journal.jsonl');
const policy = (): Policy => {
  const parsed = parsePolicy(POLICY, 'keywarden.yaml');
  if (parsed.value === null) throw new Error(parsed.errors.join('\n'));
  return parsed.value;
};

beforeAll(async () => {
  slack = await startSlackReceiver();
  writeFileSync(policyPath, POLICY);
  emu = await startTestEmulator({ world: world(slack.url), credentialReport: { inProgressPolls: 0 } });
  emu.state.defaultAccountId = ACCOUNT;
});
afterAll(async () => {
  await emu.stop();
  await slack.close();
});

/** The `service:Operation` pairs the emulator served while `run` ran. */
async function callsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const before = new Map(emu.faults.calls().map((c) => [`${c.service}:${c.operation}`, c.count]));
  await run();
  return emu.faults
    .calls()
    .filter((c) => c.count > (before.get(`${c.service}:${c.operation}`) ?? 0))
    .map((c) => `${c.service}:${c.operation}`)
    .sort();
}

async function cli(args: string[]) {
  const result = await runCli([...args, '--endpoint-url', emu.url, '--config', policyPath], {
    env: { AWS_ACCESS_KEY_ID: 'AKIDPERMISSIONS', AWS_SECRET_ACCESS_KEY: 'x' },
    cwd: dir,
  });
  expect(result.stderr).not.toMatch(/keywarden: (?!warning)/);
  return result;
}

describe('declared permissions against the calls the emulator saw', () => {
  it.each(['report', 'live'] as const)('audit --inventory %s', async (mode) => {
    // Act
    const seen = await callsDuring(() => cli(['audit', '--inventory', mode, '--format', 'json']));

    // Assess
    const declared = auditPermissions({ ...policy(), inventory: { ...policy().inventory, mode } });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.filter((call) => !declared.includes(call as never))).toEqual([]);
  });

  it('plan, then apply with every channel', async () => {
    // Act
    // An earlier run saw the two inactive keys 20 days ago: this apply may delete them.
    const seen = new Date(emu.clock.now().getTime() - 20 * 86_400_000);
    writeJournal(journalPath, [
      ...sightingRun(ACCOUNT, 'spare', SPARE, seen),
      ...sightingRun(ACCOUNT, 'old-inactive', OLD_INACTIVE, seen),
    ]);
    const planned = await callsDuring(() => cli(['plan', '--format', 'json', '--journal', journalPath]));
    const applied = await callsDuring(() =>
      cli(['apply', '--yes', '--format', 'json', '--journal', journalPath]),
    );

    // Assess: the apply touched every kind of change and every channel, and all of it is declared.
    const declared = remediationPermissions({
      ...policy(),
      inventory: { ...policy().inventory, mode: 'live' },
    });
    expect(planned.filter((call) => !declared.includes(call as never))).toEqual([]);
    expect(applied).toEqual(
      expect.arrayContaining([
        'iam:CreateAccessKey',
        'iam:UpdateAccessKey',
        'iam:DeleteAccessKey',
        'iam:DeleteLoginProfile',
        'secretsmanager:CreateSecret',
        'sns:Publish',
        'ses:SendEmail',
        'ssm:GetParameter',
      ]),
    );
    expect(applied.filter((call) => !declared.includes(call as never))).toEqual([]);
    expect(slack.requests.length).toBeGreaterThan(0);
  });
});
