/** Errors the engine's use cases raise for the caller to report (the CLI maps them to exit code 2). */

/** A run stopped part-way; its orphaned keys must be cleaned up before anything new is planned. */
export class InterruptedRunError extends Error {
  override readonly name = 'InterruptedRunError';
  constructor(readonly runIds: readonly string[]) {
    super(
      'an earlier run was interrupted; finish it first with keywarden apply --resume (it deletes keys created but never stored)',
    );
  }
}

/** The input names something that does not exist (a user, a run). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    /** The argument or flag the missing thing came from, e.g. `--user`. */
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
  }
}

/**
 * A Lambda deployment is wrong (a variable, the policy): one line naming what to fix. Retrying does
 * not help; `keywarden invoke` exits 2 with it.
 */
export class HandlerConfigError extends Error {
  override readonly name = 'HandlerConfigError';
}
