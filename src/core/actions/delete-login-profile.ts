/** delete-login-profile: removes a console password. */
import * as z from 'zod';
import {
  describeUse,
  type LiveCheck,
  type LiveLoginProfile,
  OK,
  seconds,
  skip,
  usedSince,
} from '../plan/live-checks.js';
import { isoOrNull, PASSWORD_SUBJECT, type PlannedOf, remedyAction } from './action.js';

const fields = {
  expect: z.object({ loginProfileCreateDate: z.string(), passwordLastUsed: isoOrNull }),
};

type DeleteLoginProfile = PlannedOf<'delete-login-profile', typeof fields>;

export const deleteLoginProfile = remedyAction({
  type: 'delete-login-profile',
  fields,
  permissions: ['iam:GetLoginProfile', 'iam:GetUser', 'iam:DeleteLoginProfile'],
  changesAws: true,
  rank: () => 5,
  accessKeyId: () => null,
  summary: () => 'console password',
  undo: (a) => ({
    kind: 'irreversible',
    accessKeyId: null,
    reason: `the console password of ${a.userName} was deleted; set a new one with iam create-login-profile`,
  }),
  remedy: {
    event: 'deletion',
    plan({ user, credential }) {
      if (credential !== 'password') return { blocked: 'the finding is not about the console password' };
      if (user.loginProfile === null) return { blocked: 'the user has no console password' };
      return {
        subject: PASSWORD_SUBJECT,
        fields: {
          expect: {
            loginProfileCreateDate: user.loginProfile.createDate.toISOString(),
            passwordLastUsed: user.passwordLastUsed?.toISOString() ?? null,
          },
        },
      };
    },
    happened: () => 'The console password was removed',
  },
});

/** The console password is the one the plan saw, and it was not used since. */
export function checkDeleteLoginProfile(action: DeleteLoginProfile, live: LiveLoginProfile): LiveCheck {
  if (live.createDate === null) return skip('the user no longer has a console password');
  if (seconds(live.createDate) !== seconds(action.expect.loginProfileCreateDate)) {
    return skip(
      `the console password was set again (login profile created ${live.createDate.toISOString()}, ` +
        `the plan saw ${action.expect.loginProfileCreateDate}); plan again`,
    );
  }
  if (usedSince(live.passwordLastUsed, action.expect.passwordLastUsed)) {
    return skip(
      `the console password was used since the plan (last used ${describeUse(live.passwordLastUsed)}, ` +
        `the plan saw ${describeUse(action.expect.passwordLastUsed)}); plan again`,
    );
  }
  return OK;
}
