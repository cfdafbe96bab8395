import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { rejection } from '../support/aws-errors.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';

const ACCOUNT = '000000000000';

describe('emulator SSM', () => {
  const emu = useEmulator();
  const ssm = () => new SSMClient(clientConfig(emu.current));

  it('stores a parameter and reads it back by name and by ARN', async () => {
    const put = await ssm().send(
      new PutParameterCommand({ Name: '/keywarden/config/threshold', Value: '90', Type: 'String' }),
    );
    const byName = await ssm().send(new GetParameterCommand({ Name: '/keywarden/config/threshold' }));
    const byArn = await ssm().send(new GetParameterCommand({ Name: byName.Parameter!.ARN! }));

    expect(put).toMatchObject({ Version: 1, Tier: 'Standard' });
    expect(byName.Parameter).toEqual({
      Name: '/keywarden/config/threshold',
      Type: 'String',
      Value: '90',
      Version: 1,
      LastModifiedDate: FIXED_NOW,
      ARN: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/keywarden/config/threshold`,
      DataType: 'text',
    });
    expect(byArn.Parameter?.Value).toBe('90');
  });

  it('overwrites only when asked, bumping the version', async () => {
    await ssm().send(new PutParameterCommand({ Name: 'flat-name', Value: 'one', Type: 'String' }));

    const refused = await rejection(
      ssm().send(new PutParameterCommand({ Name: 'flat-name', Value: 'two', Type: 'String' })),
    );
    const overwritten = await ssm().send(
      new PutParameterCommand({ Name: 'flat-name', Value: 'two', Overwrite: true }),
    );
    const read = await ssm().send(new GetParameterCommand({ Name: 'flat-name' }));

    expect(refused).toMatchObject({ name: 'ParameterAlreadyExists', status: 400 });
    expect(overwritten.Version).toBe(2);
    expect(read.Parameter).toMatchObject({ Value: 'two', Version: 2, Type: 'String' });
  });

  it('returns a SecureString encrypted unless WithDecryption is set', async () => {
    await ssm().send(
      new PutParameterCommand({ Name: '/keywarden/token', Value: 's3cr3t', Type: 'SecureString' }),
    );

    const sealed = await ssm().send(new GetParameterCommand({ Name: '/keywarden/token' }));
    const opened = await ssm().send(
      new GetParameterCommand({ Name: '/keywarden/token', WithDecryption: true }),
    );

    expect(sealed.Parameter?.Value).not.toBe('s3cr3t');
    expect(opened.Parameter).toMatchObject({ Type: 'SecureString', Value: 's3cr3t' });
  });

  it('answers ParameterNotFound for a missing parameter', async () => {
    const error = await rejection(ssm().send(new GetParameterCommand({ Name: '/keywarden/missing' })));

    expect(error).toMatchObject({ name: 'ParameterNotFound', status: 400 });
  });

  it.each([
    ['no type on a new parameter', { Name: '/keywarden/untyped', Value: 'x' }],
    ['an empty value', { Name: '/keywarden/empty', Value: '', Type: 'String' as const }],
    ['a reserved prefix', { Name: '/aws/keywarden', Value: 'x', Type: 'String' as const }],
    ['a relative path', { Name: 'keywarden/relative', Value: 'x', Type: 'String' as const }],
    [
      'a standard value over 4096 characters',
      { Name: '/keywarden/big', Value: 'x'.repeat(4097), Type: 'String' as const },
    ],
  ])('refuses PutParameter with %s as ValidationException', async (_case, input) => {
    const error = await rejection(ssm().send(new PutParameterCommand(input)));

    expect(error).toMatchObject({ name: 'ValidationException', status: 400 });
  });
});
