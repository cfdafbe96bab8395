/**
 * AWS Config over JSON 1.1 (`StarlingDoveService`): PutEvaluations, what a custom rule's Lambda
 * handler calls to deliver its verdicts. AWS's limits are enforced with AWS's error codes and
 * wording, and every accepted call is kept in the account's state (and on an admin route) so a test
 * can see exactly what a handler delivered. `account.config.failures` (admin route
 * `PUT /_keywarden/config/failures`) makes chosen evaluations come back in `FailedEvaluations`.
 */
import { AwsServiceError } from '../errors.js';
import type { ConfigEvaluation } from '../state.js';
import type { JsonService, RequestContext } from './types.js';

type Input = Readonly<Record<string, unknown>>;

const MAX_EVALUATIONS = 100;
const COMPLIANCE_TYPES = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'] as const;
/** Bounds of each string member of an Evaluation, as AWS's model declares them. */
const LENGTHS = {
  complianceResourceType: [1, 256],
  complianceResourceId: [1, 768],
  annotation: [1, 256],
} as const;

/** Renders a value the way AWS's validation messages quote it. */
function quoted(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Collects AWS model violations ("Value ... at 'path' failed to satisfy constraint: ...") and throws
 * them as one ValidationException, as AWS does: "2 validation errors detected: ...; ...".
 */
class Violations {
  private readonly messages: string[] = [];

  add(value: unknown, path: string, constraint: string): void {
    const shown = value === null || value === undefined ? 'Value null' : `Value '${quoted(value)}'`;
    this.messages.push(`${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  throwIfAny(): void {
    const n = this.messages.length;
    if (n === 0) return;
    throw new AwsServiceError(
      'ValidationException',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.messages.join('; ')}`,
    );
  }
}

function serialization(message: string): AwsServiceError {
  return new AwsServiceError('SerializationException', message);
}

function checkString(
  violations: Violations,
  value: unknown,
  path: string,
  bounds: readonly [number, number] | null,
  required: boolean,
): void {
  if (value === undefined || value === null) {
    if (required) violations.add(null, path, 'Member must not be null');
    return;
  }
  if (typeof value !== 'string') throw serialization(`${path} must be a string`);
  if (bounds === null) return;
  const [min, max] = bounds;
  if (value.length < min) {
    violations.add(value, path, `Member must have length greater than or equal to ${min}`);
  } else if (value.length > max) {
    violations.add(value, path, `Member must have length less than or equal to ${max}`);
  }
}

/** JSON 1.1 timestamps are epoch seconds; the SDK sends a number. */
function timestamp(value: unknown, path: string): Date | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw serialization(`${path} must be a timestamp in epoch seconds`);
  }
  return new Date(value * 1000);
}

function readEvaluations(input: Input): ConfigEvaluation[] {
  const raw = input.Evaluations ?? [];
  if (!Array.isArray(raw)) throw serialization('evaluations must be a list');
  const violations = new Violations();
  if (raw.length > MAX_EVALUATIONS) {
    violations.add(
      `[${raw.length} evaluations]`,
      'evaluations',
      `Member must have length less than or equal to ${MAX_EVALUATIONS}`,
    );
  }
  const evaluations = raw.map((item: unknown, i): ConfigEvaluation | null => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw serialization(`evaluations.${i + 1} must be an Evaluation object`);
    }
    const e = item as Record<string, unknown>;
    const at = `evaluations.${i + 1}.member`;
    checkString(
      violations,
      e.ComplianceResourceType,
      `${at}.complianceResourceType`,
      LENGTHS.complianceResourceType,
      true,
    );
    checkString(
      violations,
      e.ComplianceResourceId,
      `${at}.complianceResourceId`,
      LENGTHS.complianceResourceId,
      true,
    );
    checkString(violations, e.ComplianceType, `${at}.complianceType`, null, true);
    checkString(violations, e.Annotation, `${at}.annotation`, LENGTHS.annotation, false);
    const complianceType = e.ComplianceType;
    if (
      typeof complianceType === 'string' &&
      !(COMPLIANCE_TYPES as readonly string[]).includes(complianceType)
    ) {
      violations.add(
        complianceType,
        `${at}.complianceType`,
        `Member must satisfy enum value set: [${COMPLIANCE_TYPES.join(', ')}]`,
      );
    }
    const orderingTimestamp = timestamp(e.OrderingTimestamp, `${at}.orderingTimestamp`);
    if (orderingTimestamp === null)
      violations.add(null, `${at}.orderingTimestamp`, 'Member must not be null');
    if (orderingTimestamp === null || typeof complianceType !== 'string') return null;
    return {
      complianceResourceType: String(e.ComplianceResourceType),
      complianceResourceId: String(e.ComplianceResourceId),
      complianceType: complianceType as ConfigEvaluation['complianceType'],
      annotation: typeof e.Annotation === 'string' ? e.Annotation : null,
      orderingTimestamp,
    };
  });
  violations.throwIfAny();
  const valid = evaluations.filter((e): e is ConfigEvaluation => e !== null);
  // A valid enum value that PutEvaluations does not accept (the model allows it; the service does not).
  const insufficient = valid.findIndex((e) => (e.complianceType as string) === 'INSUFFICIENT_DATA');
  if (insufficient >= 0) {
    throw new AwsServiceError(
      'InvalidParameterValueException',
      `evaluations.${insufficient + 1}.member.complianceType: AWS Config does not accept INSUFFICIENT_DATA ` +
        'from PutEvaluations; use COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE.',
    );
  }
  return valid;
}

function putEvaluations(ctx: RequestContext, input: Input): unknown {
  const violations = new Violations();
  const resultToken = input.ResultToken;
  checkString(violations, resultToken, 'resultToken', null, true);
  const testMode = input.TestMode ?? false;
  if (typeof testMode !== 'boolean') throw serialization('testMode must be true or false');
  violations.throwIfAny();
  const evaluations = readEvaluations(input);
  // Only in test mode may the token be anything but a token AWS Config issued (here: not empty).
  if (!testMode && resultToken === '') {
    throw new AwsServiceError('InvalidResultTokenException', 'The specified ResultToken is not valid.');
  }
  const failures = ctx.account.config.failures;
  const failed = evaluations.filter((e) => {
    const failure = failures.find(
      (f) => f.times > 0 && (f.resourceId === null || f.resourceId === e.complianceResourceId),
    );
    if (failure === undefined) return false;
    failure.times--;
    return true;
  });
  ctx.account.config.evaluationCalls.push({
    requestId: ctx.requestId,
    accountId: ctx.account.accountId,
    resultToken: String(resultToken),
    testMode,
    evaluations: evaluations.filter((e) => !failed.includes(e)),
    failedEvaluations: failed,
    receivedAt: ctx.now,
  });
  return {
    FailedEvaluations: failed.map((e) => ({
      ComplianceResourceType: e.complianceResourceType,
      ComplianceResourceId: e.complianceResourceId,
      ComplianceType: e.complianceType,
      ...(e.annotation === null ? {} : { Annotation: e.annotation }),
      OrderingTimestamp: e.orderingTimestamp.getTime() / 1000,
    })),
  };
}

export const configService: JsonService = {
  protocol: 'json',
  signingName: 'config',
  targetPrefix: 'StarlingDoveService',
  operations: {
    PutEvaluations: putEvaluations,
  },
};
