/**
 * EXPOSED_ACCESS_KEY end to end on the emulator and moto: a user AWS quarantined (V2 attached) with one
 * active key is one critical finding naming that key in report mode (from the authorization details) and in live mode (ListAttachedUserPolicies,
 * read only while the rule is enabled); the emulator attaches, detaches and lists the policies.
 */
import {
  AttachUserPolicyCommand,
  DetachUserPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  paginateListAttachedUserPolicies,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit-report.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { rejection } from '../support/aws-errors.js';
import { runCli } from '../support/cli.js';
import { clientConfig, FIXED_NOW, startTestEmulator } from '../support/emulator.js';
import { type Moto, motoAvailable, startMoto } from '../support/moto.js';

const ENV = { AWS_ACCESS_KEY_ID: 'AKIDAUDITOR', AWS_SECRET_ACCESS_KEY: 'x' };
const POLICY = 'arn:aws:iam::aws:policy/';
const LEAKED_KEY = 'AKIALEAKED0000000001';

const WORLD: World = {
  accounts: [
    {
      id: '123456789012',
      users: [
        {
          name: 'leaked',
          attachedPolicies: [`${POLICY}ReadOnlyAccess`, `${POLICY}AWSCompromisedKeyQuarantineV2`],
          accessKeys: [{ id: LEAKED_KEY, createdDaysAgo: 10, lastUsedDaysAgo: 1 }],
        },
        {
          name: 'reader',
          attachedPolicies: [`${POLICY}ReadOnlyAccess`],
          accessKeys: [{ createdDaysAgo: 10, lastUsedDaysAgo: 1 }],
        },
      ],
    },
  ],
};

let emu: Emulator;
let iam: IAMClient;

beforeAll(async () => {
  emu = await startTestEmulator({ world: WORLD, credentialReport: { inProgressPolls: 0 } });
  iam = new IAMClient(clientConfig(emu));
});
afterAll(async () => {
  iam.destroy();
  await emu.stop();
});

/** The ListAttachedUserPolicies calls the emulator served during `run`. */
async function listCallsDuring(run: () => Promise<unknown>): Promise<number> {
  const count = () => emu.faults.calls().find((c) => c.operation === 'ListAttachedUserPolicies')?.count ?? 0;
  const before = count();
  await run();
  return count() - before;
}

async function audit(mode: 'report' | 'live', extra: string[] = [], endpoint = emu.url) {
  const result = await runCli(
    [
      'audit',
      '--endpoint-url',
      endpoint,
      '--now',
      FIXED_NOW.toISOString(),
      '--format',
      'json',
      '--inventory',
      mode,
      '--fail-on',
      'critical',
      ...extra,
    ],
    { env: ENV },
  );
  return { exitCode: result.exitCode, report: JSON.parse(result.stdout) as AuditReport };
}

describe('EXPOSED_ACCESS_KEY on the emulator', () => {
  it.each(['report', 'live'] as const)(
    '%s mode: one critical finding for the quarantined user, exit 1',
    async (mode) => {
      // Act
      let result: Awaited<ReturnType<typeof audit>> | undefined;
      const lists = await listCallsDuring(async () => {
        result = await audit(mode);
      });
      // Assess
      const exposed = result?.report.findings.filter((f) => f.rule === 'EXPOSED_ACCESS_KEY') ?? [];
      expect(exposed).toHaveLength(1);
      expect(exposed[0]).toMatchObject({
        userName: 'leaked',
        severity: 'critical',
        credential: 'access-key',
        accessKeyId: LEAKED_KEY,
        exempt: false,
      });
      expect(exposed[0]?.message).toContain('AWSCompromisedKeyQuarantineV2');
      expect(result?.exitCode).toBe(1);
      // Report mode reads the policies with the users' details; live mode lists them per user.
      expect(lists).toBe(mode === 'live' ? 2 : 0);
    },
  );

  it('plan leaves it alone for now: reported only, nothing planned or skipped for the key', async () => {
    // Act
    const result = await runCli(
      ['plan', '--endpoint-url', emu.url, '--now', FIXED_NOW.toISOString(), '--format', 'json'],
      { env: ENV },
    );
    // Assess
    const plan = JSON.parse(result.stdout) as {
      actions: { userName: string }[];
      skipped: { userName: string }[];
    };
    expect(plan.actions.filter((a) => a.userName === 'leaked')).toEqual([]);
    expect(plan.skipped.filter((s) => s.userName === 'leaked')).toEqual([]);
  });

  it('live mode lists no attached policies while the rule is off', async () => {
    const lists = await listCallsDuring(() => audit('live', ['--preset', 'cis']));
    expect(lists).toBe(0);
  });
});

describe('EXPOSED_ACCESS_KEY on moto (which ships the quarantine policies)', () => {
  let moto: Moto | undefined;
  beforeAll(async () => {
    const check = await motoAvailable();
    if (!check.ok) throw new Error(check.reason);
    const account = WORLD.accounts[0];
    if (account === undefined) throw new Error('the world has no account');
    // moto generates its own key ids: the world's are left out.
    const users = (account.users ?? []).map((u) => ({
      ...u,
      accessKeys: (u.accessKeys ?? []).map(({ id: _id, ...key }) => key),
    }));
    moto = await startMoto({ now: FIXED_NOW, account: { ...account, users } });
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it.each(['report', 'live'] as const)('%s mode: the same one critical finding, exit 1', async (mode) => {
    const { exitCode, report } = await audit(mode, [], moto?.endpoint);
    const exposed = report.findings.filter((f) => f.rule === 'EXPOSED_ACCESS_KEY');
    expect(exposed.map((f) => [f.userName, f.severity])).toEqual([['leaked', 'critical']]);
    expect(exposed[0]?.accessKeyId).toBe(moto?.keys.leaked?.[0]);
    expect(exitCode).toBe(1);
  });
});

describe('the emulator’s attached user policies', () => {
  it('attaches once, lists with a marker, detaches, and answers AWS’s errors', async () => {
    // Act
    await iam.send(
      new AttachUserPolicyCommand({ UserName: 'reader', PolicyArn: `${POLICY}IAMUserChangePassword` }),
    );
    await iam.send(
      new AttachUserPolicyCommand({ UserName: 'reader', PolicyArn: `${POLICY}IAMUserChangePassword` }),
    );
    const first = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'reader', MaxItems: 1 }));
    const all: string[] = [];
    for await (const page of paginateListAttachedUserPolicies(
      { client: iam, pageSize: 1 },
      { UserName: 'reader' },
    )) {
      all.push(...(page.AttachedPolicies ?? []).map((p) => `${p.PolicyName}=${p.PolicyArn}`));
    }
    await iam.send(
      new DetachUserPolicyCommand({ UserName: 'reader', PolicyArn: `${POLICY}IAMUserChangePassword` }),
    );
    const after = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'reader' }));
    const unknownPolicy = await rejection(
      iam.send(new AttachUserPolicyCommand({ UserName: 'reader', PolicyArn: `${POLICY}NoSuchPolicy` })),
    );
    const notAttached = await rejection(
      iam.send(
        new DetachUserPolicyCommand({ UserName: 'reader', PolicyArn: `${POLICY}IAMUserChangePassword` }),
      ),
    );
    const unknownUser = await rejection(
      iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'nobody' })),
    );
    // Assess
    expect([first.IsTruncated, first.Marker !== undefined]).toEqual([true, true]);
    expect(all).toEqual([
      `ReadOnlyAccess=${POLICY}ReadOnlyAccess`,
      `IAMUserChangePassword=${POLICY}IAMUserChangePassword`,
    ]);
    expect(after.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['ReadOnlyAccess']);
    expect([unknownPolicy.code, notAttached.code, unknownUser.code]).toEqual([
      'NoSuchEntity',
      'NoSuchEntity',
      'NoSuchEntity',
    ]);
  });
});
