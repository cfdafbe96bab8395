import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
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
});
