/**
 * `keywarden audit --org` against moto, a third-party emulator: its Organizations lists the
 * accounts, its STS hands out sessions for the member role, and each member account's IAM is its
 * own. What our emulator might share with our code (the shape of ListAccounts pages, AssumeRole's
 * answer, the credential report of an assumed-role caller) is checked against another reading.
 */
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  DescribeCreateAccountStatusCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { type Moto, startMoto } from '../support/moto.js';

interface Entry {
  readonly accountId: string;
  readonly status: 'ok' | 'error';
  readonly error?: string;
  readonly summary: { readonly users: number } | null;
}

/** moto's default account: any key it did not issue signs into it. */
const MANAGEMENT = '123456789012';
const MANAGEMENT_KEY = { accessKeyId: 'AKIDORGADMIN', secretAccessKey: 'test-secret' };

let moto: Moto;
const members: { id: string; users: number }[] = [];

beforeAll(async () => {
  moto = await startMoto({
    now: new Date('2026-11-22T12:00:00Z'),
    account: { id: MANAGEMENT, users: [{ name: 'org-admin', createdDaysAgo: 10 }] },
    multiAccount: true,
  });
  const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: MANAGEMENT_KEY };
  const orgs = new OrganizationsClient(config);
  await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  for (const [name, users] of [
    ['prod', 3],
    ['dev', 1],
  ] as const) {
    const created = await orgs.send(
      new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
    );
    const status = await orgs.send(
      new DescribeCreateAccountStatusCommand({
        CreateAccountRequestId: created.CreateAccountStatus?.Id ?? '',
      }),
    );
    const id = status.CreateAccountStatus?.AccountId ?? '';
    const sts = new STSClient(config);
    const session = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`,
        RoleSessionName: 'seed',
      }),
    );
    sts.destroy();
    const c = session.Credentials;
    const iam = new IAMClient({
      ...config,
      credentials: {
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretAccessKey ?? '',
        sessionToken: c?.SessionToken ?? '',
      },
    });
    for (let i = 0; i < users; i++) await iam.send(new CreateUserCommand({ UserName: `${name}-user-${i}` }));
    iam.destroy();
    members.push({ id, users });
  }
  orgs.destroy();
}, 60_000);
afterAll(() => moto?.stop());

describe('audit --org on moto', () => {
  it('lists every account, assumes the role in each member, audits each with its own users', async () => {
    const result = await runCli(
      ['audit', '--org', '--format', 'json', '--fail-on', 'none', '--endpoint-url', moto.endpoint],
      {
        env: {
          AWS_ACCESS_KEY_ID: MANAGEMENT_KEY.accessKeyId,
          AWS_SECRET_ACCESS_KEY: MANAGEMENT_KEY.secretAccessKey,
          AWS_REGION: 'us-east-1',
        },
      },
    );

    expect(result.exitCode, result.stderr).toBe(0);
    const accounts = (JSON.parse(result.stdout) as { accounts: Entry[] }).accounts;
    expect(accounts.map((a) => a.status)).toEqual(accounts.map(() => 'ok'));
    for (const member of members) {
      const entry = accounts.find((a) => a.accountId === member.id);
      expect(entry?.summary?.users, member.id).toBe(member.users);
    }
    expect(accounts.find((a) => a.accountId === MANAGEMENT)?.summary?.users).toBe(1);
    expect(accounts).toHaveLength(members.length + 1);
  });
});
