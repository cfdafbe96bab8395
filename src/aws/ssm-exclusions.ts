import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { AwsErrorCode, callAws, orNullWhenMissing } from '../sdk/errors.js';

/**
 * Reads the comma-separated exclusion list teams keep for custom Config rules (for example
 * `/iam-unused-user-cleanup/excluded-users`). A missing parameter is a warning and an empty list.
 */
export async function readExcludedUsers(
  ssm: SSMClient,
  parameterName: string | null,
  warnings: string[],
): Promise<string[] | null> {
  if (parameterName === null) return null;
  const out = await orNullWhenMissing(AwsErrorCode.ParameterNotFound, () =>
    callAws('ssm:GetParameter', parameterName, () =>
      ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true })),
    ),
  );
  if (out === null) {
    warnings.push(`SSM parameter ${parameterName} does not exist; no users are exempt through it`);
    return [];
  }
  return (out.Parameter?.Value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
