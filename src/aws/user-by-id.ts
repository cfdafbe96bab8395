/**
 * Finds an IAM user by its unique id (`AIDA...`). IAM has no lookup by id, so the users are listed,
 * as AWS's own runbooks do (AWSConfigRemediation-RevokeUnusedIAMUserCredentials takes the id too).
 */
import { type IAMClient, paginateListUsers } from '@aws-sdk/client-iam';
import { callAws } from '../sdk/errors.js';

/** The user's name, or null when no user of the account has that id (deleted, or another account's). */
export async function findUserNameById(iam: IAMClient, userId: string): Promise<string | null> {
  return callAws('iam:ListUsers', `to find user id ${userId}`, async () => {
    for await (const page of paginateListUsers({ client: iam, pageSize: 1000 }, {})) {
      const user = (page.Users ?? []).find((u) => u.UserId === userId);
      if (user?.UserName !== undefined) return user.UserName;
    }
    return null;
  });
}
