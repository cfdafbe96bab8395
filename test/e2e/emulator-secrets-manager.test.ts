import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  paginateListSecrets,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../support/aws-errors.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';

const ACCOUNT = '000000000000';

describe('emulator Secrets Manager', () => {
  const emu = useEmulator();
  const secrets = () => new SecretsManagerClient(clientConfig(emu.current));

  it('creates a secret and reads its current value', async () => {
    const created = await secrets().send(
      new CreateSecretCommand({
        Name: 'keywarden/alice/AKIA1',
        SecretString: '{"AccessKeyId":"AKIA1"}',
        KmsKeyId: 'alias/keywarden',
        Description: 'alice key',
        Tags: [{ Key: 'owner', Value: 'alice' }],
      }),
    );

    const read = await secrets().send(new GetSecretValueCommand({ SecretId: 'keywarden/alice/AKIA1' }));

    expect(created.ARN).toMatch(
      new RegExp(`^arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:keywarden/alice/AKIA1-[A-Za-z0-9]{6}$`),
    );
    expect(created.VersionId).toBeDefined();
    expect(read).toMatchObject({
      ARN: created.ARN,
      Name: 'keywarden/alice/AKIA1',
      VersionId: created.VersionId,
      SecretString: '{"AccessKeyId":"AKIA1"}',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: FIXED_NOW,
    });
  });

  it('moves AWSCURRENT to a new version and keeps the old one as AWSPREVIOUS', async () => {
    const created = await secrets().send(new CreateSecretCommand({ Name: 'rotating', SecretString: 'v1' }));

    const put2 = await secrets().send(
      new PutSecretValueCommand({ SecretId: created.ARN, SecretString: 'v2' }),
    );
    const put3 = await secrets().send(
      new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v3' }),
    );
    const current = await secrets().send(new GetSecretValueCommand({ SecretId: 'rotating' }));
    const previous = await secrets().send(
      new GetSecretValueCommand({ SecretId: 'rotating', VersionStage: 'AWSPREVIOUS' }),
    );
    const described = await secrets().send(new DescribeSecretCommand({ SecretId: 'rotating' }));

    expect(put2).toMatchObject({ ARN: created.ARN, Name: 'rotating', VersionStages: ['AWSCURRENT'] });
    expect(current).toMatchObject({ SecretString: 'v3', VersionId: put3.VersionId });
    expect(previous).toMatchObject({ SecretString: 'v2', VersionId: put2.VersionId });
    expect(described.VersionIdsToStages).toEqual({
      [put2.VersionId!]: ['AWSPREVIOUS'],
      [put3.VersionId!]: ['AWSCURRENT'],
    });
  });

  it('treats a retried PutSecretValue with the same token as the same version', async () => {
    await secrets().send(new CreateSecretCommand({ Name: 'idempotent', SecretString: 'v1' }));
    const token = '11111111-2222-3333-4444-555555555555';

    const first = await secrets().send(
      new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'v2', ClientRequestToken: token }),
    );
    const retry = await secrets().send(
      new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'v2', ClientRequestToken: token }),
    );
    const changed = await rejection(
      secrets().send(
        new PutSecretValueCommand({ SecretId: 'idempotent', SecretString: 'v3', ClientRequestToken: token }),
      ),
    );

    expect(retry.VersionId).toBe(first.VersionId);
    expect(changed).toMatchObject({ name: 'ResourceExistsException', status: 400 });
  });

  it('describes a secret with its KMS key, tags and dates, and adds tags', async () => {
    const created = await secrets().send(
      new CreateSecretCommand({
        Name: 'described',
        SecretString: 'x',
        KmsKeyId: 'alias/keywarden',
        Tags: [{ Key: 'owner', Value: 'alice' }],
      }),
    );

    await secrets().send(
      new TagResourceCommand({
        SecretId: created.ARN,
        Tags: [
          { Key: 'owner', Value: 'bob' },
          { Key: 'managed-by', Value: 'keywarden' },
        ],
      }),
    );
    const out = await secrets().send(new DescribeSecretCommand({ SecretId: 'described' }));

    expect(out).toMatchObject({
      ARN: created.ARN,
      Name: 'described',
      KmsKeyId: 'alias/keywarden',
      CreatedDate: FIXED_NOW,
      LastChangedDate: FIXED_NOW,
      VersionIdsToStages: { [created.VersionId!]: ['AWSCURRENT'] },
    });
    expect(out.Tags).toEqual([
      { Key: 'owner', Value: 'bob' },
      { Key: 'managed-by', Value: 'keywarden' },
    ]);
  });

  it('answers ResourceExistsException for a second secret of the same name', async () => {
    await secrets().send(new CreateSecretCommand({ Name: 'taken', SecretString: 'x' }));

    const error = await rejection(
      secrets().send(new CreateSecretCommand({ Name: 'taken', SecretString: 'y' })),
    );

    expect(error).toMatchObject({ name: 'ResourceExistsException', status: 400 });
  });

  it.each([
    [
      'GetSecretValue',
      (c: SecretsManagerClient) => c.send(new GetSecretValueCommand({ SecretId: 'missing' })),
    ],
    [
      'PutSecretValue',
      (c: SecretsManagerClient) =>
        c.send(new PutSecretValueCommand({ SecretId: 'missing', SecretString: 'x' })),
    ],
    [
      'DescribeSecret',
      (c: SecretsManagerClient) => c.send(new DescribeSecretCommand({ SecretId: 'missing' })),
    ],
    [
      'TagResource',
      (c: SecretsManagerClient) =>
        c.send(new TagResourceCommand({ SecretId: 'missing', Tags: [{ Key: 'k', Value: 'v' }] })),
    ],
  ])('answers ResourceNotFoundException from %s for an unknown secret', async (_op, call) => {
    const error = await rejection(call(secrets()));

    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
      message: "Secrets Manager can't find the specified secret.",
    });
  });

  it('answers ResourceNotFoundException for a staging label no version has', async () => {
    await secrets().send(new CreateSecretCommand({ Name: 'no-pending', SecretString: 'x' }));

    const error = await rejection(
      secrets().send(new GetSecretValueCommand({ SecretId: 'no-pending', VersionStage: 'AWSPENDING' })),
    );

    expect(error).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
  });

  describe('ClientRequestToken as the version id', () => {
    // What apply derives from the new access key id, so a resumed run can tell whether the store happened.
    const token = (n: number) => `keywarden-AKIAEXAMPLE000000000${n}`.padEnd(40, '0');

    it('makes the token the VersionId of CreateSecret, and a retry with the same value a no-op', async () => {
      // Act
      const created = await secrets().send(
        new CreateSecretCommand({ Name: 'tok/create', SecretString: 'v1', ClientRequestToken: token(1) }),
      );
      const retried = await secrets().send(
        new CreateSecretCommand({ Name: 'tok/create', SecretString: 'v1', ClientRequestToken: token(1) }),
      );
      const versions = await secrets().send(new ListSecretVersionIdsCommand({ SecretId: 'tok/create' }));
      // Assess
      expect(created.VersionId).toBe(token(1));
      expect(retried).toMatchObject({ ARN: created.ARN, Name: 'tok/create', VersionId: token(1) });
      expect(versions.Versions?.map((v) => [v.VersionId, v.VersionStages])).toEqual([
        [token(1), ['AWSCURRENT']],
      ]);
    });

    it('refuses CreateSecret with the same token and another value, or another token', async () => {
      await secrets().send(
        new CreateSecretCommand({ Name: 'tok/clash', SecretString: 'v1', ClientRequestToken: token(2) }),
      );

      const otherValue = await rejection(
        secrets().send(
          new CreateSecretCommand({ Name: 'tok/clash', SecretString: 'v2', ClientRequestToken: token(2) }),
        ),
      );
      const otherToken = await rejection(
        secrets().send(
          new CreateSecretCommand({ Name: 'tok/clash', SecretString: 'v1', ClientRequestToken: token(3) }),
        ),
      );

      expect(otherValue.name).toBe('ResourceExistsException');
      expect(otherValue.message).toMatch(
        new RegExp(`^You can't use ClientRequestToken ${token(2)} because that value is already in use`),
      );
      expect(otherToken).toMatchObject({
        name: 'ResourceExistsException',
        message: 'The operation failed because the secret tok/clash already exists.',
      });
    });

    it('shows a PutSecretValue token in DescribeSecret and ListSecretVersionIds; deprecated ones on request', async () => {
      // Prepare
      await secrets().send(
        new CreateSecretCommand({ Name: 'tok/put', SecretString: 'v1', ClientRequestToken: token(4) }),
      );
      // Act
      const put = await secrets().send(
        new PutSecretValueCommand({ SecretId: 'tok/put', SecretString: 'v2', ClientRequestToken: token(5) }),
      );
      await secrets().send(
        new PutSecretValueCommand({ SecretId: 'tok/put', SecretString: 'v3', ClientRequestToken: token(6) }),
      );
      const described = await secrets().send(new DescribeSecretCommand({ SecretId: 'tok/put' }));
      const labelled = await secrets().send(new ListSecretVersionIdsCommand({ SecretId: 'tok/put' }));
      const all = await secrets().send(
        new ListSecretVersionIdsCommand({ SecretId: 'tok/put', IncludeDeprecated: true }),
      );
      // Assess
      expect(put).toMatchObject({ VersionId: token(5), VersionStages: ['AWSCURRENT'] });
      expect(described.VersionIdsToStages).toEqual({
        [token(5)]: ['AWSPREVIOUS'],
        [token(6)]: ['AWSCURRENT'],
      });
      expect(labelled.Versions?.map((v) => v.VersionId)).toEqual([token(5), token(6)]);
      expect(all.Versions?.map((v) => [v.VersionId, v.VersionStages])).toEqual([
        [token(4), []],
        [token(5), ['AWSPREVIOUS']],
        [token(6), ['AWSCURRENT']],
      ]);
      expect(all.Versions?.[0]?.CreatedDate).toEqual(FIXED_NOW);
    });

    it.each([
      [31, false],
      [32, true],
      [64, true],
      [65, false],
    ])('accepts a token of %i characters: %s', async (length, accepted) => {
      const call = secrets().send(
        new CreateSecretCommand({
          Name: `tok/length-${length}`,
          SecretString: 'x',
          ClientRequestToken: 'a'.repeat(length),
        }),
      );

      if (accepted) await expect(call).resolves.toMatchObject({ VersionId: 'a'.repeat(length) });
      else await expect(call).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('ListSecrets', () => {
    const listing = useEmulator();
    const client = () => new SecretsManagerClient(clientConfig(listing.current));
    const names = (out: { SecretList?: { Name?: string }[] }) => out.SecretList?.map((s) => s.Name);

    beforeAll(async () => {
      const create = (Name: string, Tags: { Key: string; Value: string }[] = [], Description?: string) =>
        client().send(new CreateSecretCommand({ Name, SecretString: 'secret-value', Tags, Description }));
      await create('keywarden/111111111111/alice', [{ Key: 'keywarden:user', Value: 'alice' }]);
      await create('keywarden/111111111111/bob', [{ Key: 'keywarden:user', Value: 'bob' }]);
      await create('keywarden/222222222222/carol', [], 'Rotated access key of carol');
      await create('other/app-config', [{ Key: 'team', Value: 'web' }]);
    });

    it('lists every secret in creation order with its versions, never a value', async () => {
      const out = await client().send(new ListSecretsCommand({}));

      expect(names(out)).toEqual([
        'keywarden/111111111111/alice',
        'keywarden/111111111111/bob',
        'keywarden/222222222222/carol',
        'other/app-config',
      ]);
      expect(out.NextToken).toBeUndefined();
      const first = out.SecretList?.[0];
      expect(first?.CreatedDate).toEqual(FIXED_NOW);
      expect(Object.values(first?.SecretVersionsToStages ?? {})).toEqual([['AWSCURRENT']]);
      expect(JSON.stringify(out)).not.toContain('secret-value');
    });

    it('pages with MaxResults and NextToken', async () => {
      const pages: (string | undefined)[][] = [];
      for await (const page of paginateListSecrets({ client: client(), pageSize: 3 }, {})) {
        pages.push(names(page) ?? []);
      }

      expect(pages.map((p) => p.length)).toEqual([3, 1]);
    });

    it.each([
      ['a name prefix', [{ Key: 'name', Values: ['keywarden/111111111111/'] }], ['alice', 'bob']],
      ['a name prefix is case-sensitive', [{ Key: 'name', Values: ['Keywarden/'] }], []],
      ['two names (either)', [{ Key: 'name', Values: ['keywarden/222', 'other/'] }], ['carol', 'app-config']],
      ['a negated name', [{ Key: 'name', Values: ['!keywarden/'] }], ['app-config']],
      ['a tag key', [{ Key: 'tag-key', Values: ['keywarden:'] }], ['alice', 'bob']],
      ['a tag value', [{ Key: 'tag-value', Values: ['bo'] }], ['bob']],
      ['a description, any case', [{ Key: 'description', Values: ['rotated'] }], ['carol']],
      ['a word anywhere', [{ Key: 'all', Values: ['CAROL'] }], ['carol']],
      [
        'two filters (both)',
        [
          { Key: 'name', Values: ['keywarden/'] },
          { Key: 'tag-value', Values: ['alice'] },
        ],
        ['alice'],
      ],
    ] as const)('filters by %s', async (_case, filters, expected) => {
      const out = await client().send(
        new ListSecretsCommand({ Filters: filters.map((f) => ({ Key: f.Key, Values: [...f.Values] })) }),
      );

      expect(names(out)?.map((n) => n?.split('/').pop())).toEqual(expected);
    });

    it('sorts by name, descending', async () => {
      const out = await client().send(new ListSecretsCommand({ SortBy: 'name', SortOrder: 'desc' }));

      expect(names(out)?.[0]).toBe('other/app-config');
    });

    it.each([
      [100, true],
      [101, false],
      [0, false],
    ])('accepts MaxResults %i: %s', async (max, accepted) => {
      const call = client().send(new ListSecretsCommand({ MaxResults: max }));

      if (accepted) await expect(call).resolves.toMatchObject({ SecretList: expect.any(Array) });
      else await expect(call).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it.each([
      [
        'an unknown filter key',
        { Filters: [{ Key: 'color' as 'name', Values: ['x'] }] },
        'ValidationException',
      ],
      ['a filter without values', { Filters: [{ Key: 'name' as const, Values: [] }] }, 'ValidationException'],
      [
        'eleven values',
        { Filters: [{ Key: 'name' as const, Values: Array.from({ length: 11 }, (_, i) => `v${i}`) }] },
        'ValidationException',
      ],
      [
        'a value with a forbidden character',
        { Filters: [{ Key: 'name' as const, Values: ['a*'] }] },
        'ValidationException',
      ],
      ['a forged NextToken', { NextToken: 'not-a-token' }, 'InvalidNextTokenException'],
    ])('refuses %s', async (_case, input, name) => {
      await expect(client().send(new ListSecretsCommand(input))).rejects.toMatchObject({ name });
    });

    it('accepts ten filter values', async () => {
      const values = Array.from({ length: 10 }, (_, i) => `none/${i}`);
      const out = await client().send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: values }] }));

      expect(out.SecretList).toEqual([]);
    });
  });
});
