import { DeleteLoginProfileCommand, type IAMClient } from '@aws-sdk/client-iam';
import { checkDeleteLoginProfile } from '../../core/actions/delete-login-profile.js';
import { type ActionOutcome, done, fromCheck } from '../../core/plan/outcome.js';
import type { DeleteLoginProfileAction } from '../../core/plan/types.js';
import { callAws } from '../../sdk/errors.js';
import { loginProfileState } from './live-state.js';
import { settledChange } from './settle.js';

/** Removes the console password if it is the one the plan saw and it was not used since. */
export async function deleteLoginProfile(
  action: DeleteLoginProfileAction,
  iam: IAMClient,
): Promise<ActionOutcome> {
  const live = await loginProfileState(iam, action.userName);
  const skip = fromCheck(checkDeleteLoginProfile(action, live));
  if (skip !== null) return skip;
  return settledChange(
    async () => {
      const out = await callAws('iam:DeleteLoginProfile', action.userName, () =>
        iam.send(new DeleteLoginProfileCommand({ UserName: action.userName })),
      );
      return done(out.$metadata.requestId);
    },
    async () => (await loginProfileState(iam, action.userName)).createDate === null,
    'the console password deleted',
    { goneIsDone: true },
  );
}
