/**
 * How adapters react to AWS's answers in one place: "no such thing" becomes null through one
 * helper, and an expired session is told by its codes whether the call was wrapped or not.
 */
import { describe, expect, it } from 'vitest';
import {
  AwsErrorCode,
  callAws,
  isExpiredSession,
  OutcomeUnknownError,
  orNullWhenMissing,
} from '../../src/sdk/errors.js';

/** An error shaped as the SDK throws one: its name is the AWS error code. */
function sdkError(name: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(`${name} from AWS`), { name, $metadata: { httpStatusCode } });
}

describe('orNullWhenMissing', () => {
  it('answers null when the call, wrapped by callAws, says there is no such thing', async () => {
    // Act
    const answer = await orNullWhenMissing(AwsErrorCode.NoSuchEntity, () =>
      callAws('iam:GetLoginProfile', 'for alice', () =>
        Promise.reject(sdkError('NoSuchEntityException', 404)),
      ),
    );

    // Assess
    expect(answer).toBeNull();
  });

  it('answers what the call answered', async () => {
    // Act
    const answer = await orNullWhenMissing(AwsErrorCode.NoSuchKey, async () => 'report');

    // Assess
    expect(answer).toBe('report');
  });

  it('throws any other failure as thrown, another "not found" code included', async () => {
    // Prepare
    const denied = callAws('ssm:GetParameter', '/x', () => Promise.reject(sdkError('AccessDeniedException')));
    const otherMissing = callAws('s3:GetObject', 's3://b/k', () =>
      Promise.reject(sdkError('NoSuchKey', 404)),
    );

    // Act
    const deniedAnswer = orNullWhenMissing(AwsErrorCode.ParameterNotFound, () => denied);
    const otherAnswer = orNullWhenMissing(AwsErrorCode.NoSuchEntity, () => otherMissing);

    // Assess
    await expect(deniedAnswer).rejects.toThrow(
      'ssm:GetParameter /x failed: AccessDeniedException: AccessDeniedException from AWS',
    );
    await expect(otherAnswer).rejects.toThrow('s3:GetObject s3://b/k failed: NoSuchKey');
  });
});

describe('isExpiredSession', () => {
  it.each([
    ['ExpiredToken (Query protocol)', sdkError('ExpiredToken', 403), true],
    ['ExpiredTokenException (JSON protocol)', sdkError('ExpiredTokenException'), true],
    ['AccessDenied', sdkError('AccessDenied', 403), false],
    ['a network error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), false],
  ])('%s: %s', (_, error, expired) => {
    expect(isExpiredSession(error)).toBe(expired);
  });

  it('sees through callAws and OutcomeUnknownError', async () => {
    // Prepare
    const wrapped = await callAws('iam:ListUsers', null, () =>
      Promise.reject(sdkError('ExpiredToken', 403)),
    ).catch((error: unknown) => error);

    // Assess
    expect(isExpiredSession(wrapped)).toBe(true);
    expect(isExpiredSession(new OutcomeUnknownError(sdkError('ExpiredTokenException')))).toBe(true);
  });
});
