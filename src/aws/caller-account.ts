/** The account the credentials in use belong to, asked of STS (no permission is needed). */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { AwsCallError, callAws } from '../sdk/errors.js';

export async function callerAccountId(sts: STSClient): Promise<string> {
  const out = await callAws('sts:GetCallerIdentity', null, () => sts.send(new GetCallerIdentityCommand({})));
  if (out.Account === undefined || out.Account === '') {
    throw new AwsCallError('sts:GetCallerIdentity failed: the answer names no account', 'NoAccount');
  }
  return out.Account;
}
