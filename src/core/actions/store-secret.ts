/** store-secret: hands the key its create-key made to Secrets Manager. */
import * as z from 'zod';
import { type PlannedOf, plannedAction } from './action.js';

const fields = {
  replacesAccessKeyId: z.string(),
  createKeyActionId: z.string(),
  secretName: z.string(),
};

/**
 * Stores the key created by `createKeyActionId` in Secrets Manager. Its `notice` is the notice its
 * chain sends once the key is stored (also planned as its own action): a resume that finds the
 * store completed after a crash can still send it. Absent in older journals.
 */
export const storeSecret = plannedAction({
  type: 'store-secret',
  fields,
  holds: { notice: 'notify' },
  permissions: [
    'iam:ListAccessKeys',
    'secretsmanager:CreateSecret',
    'secretsmanager:PutSecretValue',
    'secretsmanager:TagResource',
    // A store whose answer was lost: whether it landed (its version id, never the secret).
    'secretsmanager:DescribeSecret',
    // A key whose secret could not be stored is deleted (cleanup-key).
    'iam:UpdateAccessKey',
    'iam:DeleteAccessKey',
  ],
  changesAws: true,
  rank: () => 2,
  accessKeyId: (a: PlannedOf<'store-secret', typeof fields>) => a.replacesAccessKeyId,
  summary: (a) => `replaces ${a.replacesAccessKeyId} → ${a.secretName}`,
  // Nothing of its own: undoing the rotation is about the key create-key made.
  undo: () => ({ kind: 'nothing' }),
});
