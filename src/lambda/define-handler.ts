/**
 * The one shape of a Keywarden handler: its event schema, read with Powertools Parser, and its call
 * into the engine. {@link defineHandler} does the rest the same way for every handler: one engine
 * instance per container (clients and the policy cache reused by warm invocations), the logger with
 * the handler's name and the Lambda context, and one ERROR line when the invocation fails.
 */
import { ParseError, parse } from '@aws-lambda-powertools/parser';
import type { z } from 'zod';
import type { LAMBDA_HANDLER_NAMES } from '../core/deployment.js';
import {
  errorFields,
  type HandlerDeps,
  type HandlerOptions,
  handlerInstance,
  RunFailedError,
} from '../engine/handler-deps.js';
import { createLogger, type HandlerLogger } from './logger.js';

/** The invocation's payload is wrong: one line naming the field. */
export class HandlerEventError extends Error {
  override readonly name = 'HandlerEventError';
  constructor(
    readonly field: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${problem}`, options);
  }
}

/** The subset of the Lambda context the handlers use. */
export interface LambdaContext {
  readonly awsRequestId: string;
  readonly functionName?: string;
  /** Time left before Lambda stops the invocation; the scheduled run stops starting changes near it. */
  getRemainingTimeInMillis?(): number;
}

export interface RuntimeOptions extends HandlerOptions {
  /** Default: Powertools' Logger to stdout, as in Lambda. */
  readonly logger?: HandlerLogger;
}

export type Handler<R> = (event: unknown, context?: LambdaContext) => Promise<R>;

/** The dotted path of an issue (`accounts[2].accountId`); the event itself is `event`. */
function fieldOf(path: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined): string {
  let field = '';
  for (const part of path ?? []) {
    const key = typeof part === 'object' ? part.key : part;
    field += typeof key === 'number' ? `[${key}]` : `${field === '' ? '' : '.'}${String(key)}`;
  }
  return field === '' ? 'event' : field;
}

/** The event read with `schema`, or its first problem as a {@link HandlerEventError}. */
export function parseEvent<S extends z.ZodType>(schema: S, event: unknown): z.output<S> {
  try {
    return parse(event, undefined, schema) as z.output<S>;
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    const issues = error.cause as readonly {
      readonly message: string;
      readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[];
    }[];
    const first = issues[0];
    throw new HandlerEventError(fieldOf(first?.path), first?.message ?? 'invalid', { cause: error });
  }
}

/**
 * A handler: `schema` reads the event (nothing is called before it passes), `run` is its one call
 * into the engine. Returns the factory (`createXHandler(options)`); a handler file exports
 * `handler = createXHandler()` for Lambda.
 */
export function defineHandler<S extends z.ZodType, R>(
  name: (typeof LAMBDA_HANDLER_NAMES)[number],
  schema: S,
  run: (event: z.output<S>, deps: HandlerDeps) => Promise<R>,
): (options?: RuntimeOptions) => Handler<R> {
  return (options = {}) => {
    const instance = handlerInstance(options);
    let logger: HandlerLogger | null = null;
    return async (event, context) => {
      const parsed = parseEvent(schema, event);
      logger ??= options.logger ?? createLogger();
      logger.appendKeys({ handler: name });
      if (context !== undefined) logger.addContext(context as Parameters<HandlerLogger['addContext']>[0]);
      const remainingMs = context?.getRemainingTimeInMillis?.bind(context);
      const log = logger;
      try {
        return await run(parsed, instance({ log, ...(remainingMs ? { remainingMs } : {}) }));
      } catch (error) {
        if (!(error instanceof RunFailedError)) log.error(`${name} failed`, errorFields(error));
        throw error;
      }
    };
  };
}
