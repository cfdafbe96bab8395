/**
 * A change whose answer did not come (a timeout, a reset connection, a 5xx after the SDK's retries)
 * may have been applied; so may a delete whose retry found the entity gone. Live state settles it:
 * done when it shows the change made, else the failure stands. A refusal stays a failure.
 */
import { type ActionOutcome, done, failed } from '../../core/plan/outcome.js';
import { AwsErrorCode, errorLine, failureOutcome, isAwsError } from '../../sdk/errors.js';

/**
 * Runs `change`; when it fails and AWS may have acted (or, with `goneIsDone`, the thing to delete
 * is already gone), asks `applied` whether live state shows the change made.
 */
export async function settledChange(
  change: () => Promise<ActionOutcome>,
  applied: () => Promise<boolean>,
  shown: string,
  options: { readonly goneIsDone?: boolean } = {},
): Promise<ActionOutcome> {
  try {
    return await change();
  } catch (error) {
    const gone = options.goneIsDone === true && isAwsError(error, AwsErrorCode.NoSuchEntity);
    if (failureOutcome(error) !== 'unknown' && !gone) throw error;
    let made: boolean;
    try {
      made = await applied();
    } catch (readError) {
      return failed(`${errorLine(error)}; it could not be read back (${errorLine(readError)})`);
    }
    if (!made) throw error;
    return done(null, { reason: `${errorLine(error)}; live state shows ${shown}, so it is done` });
  }
}
