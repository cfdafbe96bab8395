/**
 * SSM Parameter Store over JSON 1.1: GetParameter and PutParameter, with versions, overwrite
 * protection and SecureString values that come back encrypted unless decryption is asked for.
 */
import { AwsServiceError } from '../errors.js';
import { epochSeconds, requiredStringMember, stringMember } from '../protocols/json.js';
import type { SsmParameter } from '../state.js';
import type { JsonService, RequestContext } from './types.js';

const TYPES: readonly SsmParameter['type'][] = ['String', 'StringList', 'SecureString'];
const TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'] as const;
type Tier = (typeof TIERS)[number];
const STANDARD_MAX_VALUE_CHARS = 4096;
const ADVANCED_MAX_VALUE_CHARS = 8192;
const MAX_NAME_CHARS = 1011;
const NAME = /^\/?[a-zA-Z0-9_.-]+(\/[a-zA-Z0-9_.-]+)*$/;
const PARAMETER_ARN = /^arn:[\w-]+:ssm:([\w-]+):(\d{12}):parameter(\/.+)$/;

function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message);
}

function parameterArn(ctx: RequestContext, name: string): string {
  const resource = name.startsWith('/') ? name : `/${name}`;
  return `arn:aws:ssm:${ctx.region}:${ctx.account.accountId}:parameter${resource}`;
}

/**
 * Finds a parameter by name or by ARN. An ARN drops a name's leading slash, so `parameter/x` may be the
 * flat `x` or the top-level `/x`: both are tried.
 */
function findParameter(ctx: RequestContext, nameOrArn: string): SsmParameter | undefined {
  const m = PARAMETER_ARN.exec(nameOrArn);
  if (!m) return ctx.account.ssm.get(nameOrArn);
  // Parameters shared from another account need AWS RAM, which the emulator does not model.
  if (m[2] !== ctx.account.accountId) return undefined;
  const resource = m[3]!.slice(1);
  return ctx.account.ssm.get(resource) ?? ctx.account.ssm.get(`/${resource}`);
}

function notFound(name: string): AwsServiceError {
  return new AwsServiceError(
    'ParameterNotFound',
    `Parameter ${name} not found. Check the name (names are case-sensitive) or create it with PutParameter.`,
  );
}

/** What GetParameter returns for a SecureString read without decryption: an opaque ciphertext blob. */
function ciphertext(value: string): string {
  return Buffer.from(`keywarden-kms:alias/aws/ssm:${value}`).toString('base64');
}

function getParameter(ctx: RequestContext, input: Readonly<Record<string, unknown>>): unknown {
  const nameOrArn = requiredStringMember(input, 'Name');
  const withDecryption = input.WithDecryption === true;
  const parameter = findParameter(ctx, nameOrArn);
  if (!parameter) throw notFound(nameOrArn);
  const encrypted = parameter.type === 'SecureString' && !withDecryption;
  return {
    Parameter: {
      Name: parameter.name,
      Type: parameter.type,
      Value: encrypted ? ciphertext(parameter.value) : parameter.value,
      Version: parameter.version,
      LastModifiedDate: epochSeconds(parameter.lastModifiedDate),
      ARN: parameterArn(ctx, parameter.name),
      DataType: 'text',
    },
  };
}

function validateName(name: string): void {
  if (name.length > MAX_NAME_CHARS) {
    throw validation(
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NAME_CHARS}`,
    );
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw validation(
      `Parameter name must be a fully qualified name: '${name}' contains '/' but does not start with '/'.`,
    );
  }
  const firstSegment = name.replace(/^\//, '').toLowerCase();
  if (!NAME.test(name) || firstSegment.startsWith('aws') || firstSegment.startsWith('ssm')) {
    throw validation(
      `Parameter name '${name}': can't be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_`,
    );
  }
}

function putParameter(ctx: RequestContext, input: Readonly<Record<string, unknown>>): unknown {
  const name = requiredStringMember(input, 'Name');
  const value = stringMember(input, 'Value');
  if (value === undefined || value === '') {
    throw validation(
      `1 validation error detected: Value '${value ?? 'null'}' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  }
  const rawType = stringMember(input, 'Type');
  if (rawType !== undefined && !TYPES.includes(rawType as SsmParameter['type'])) {
    throw validation(
      `1 validation error detected: Value '${rawType}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [${TYPES.join(', ')}]`,
    );
  }
  const rawTier = stringMember(input, 'Tier') ?? 'Standard';
  if (!TIERS.includes(rawTier as Tier)) {
    throw validation(
      `1 validation error detected: Value '${rawTier}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [${TIERS.join(', ')}]`,
    );
  }
  validateName(name);
  const tier: Tier =
    rawTier === 'Intelligent-Tiering'
      ? value.length > STANDARD_MAX_VALUE_CHARS
        ? 'Advanced'
        : 'Standard'
      : (rawTier as Tier);
  if (tier === 'Standard' && value.length > STANDARD_MAX_VALUE_CHARS) {
    throw validation(
      `Standard tier parameters support a maximum parameter value of ${STANDARD_MAX_VALUE_CHARS} characters (got ${value.length}). To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.`,
    );
  }
  if (value.length > ADVANCED_MAX_VALUE_CHARS) {
    throw validation(
      `Advanced tier parameters support a maximum parameter value of ${ADVANCED_MAX_VALUE_CHARS} characters (got ${value.length}).`,
    );
  }

  const existing = ctx.account.ssm.get(name);
  if (existing && input.Overwrite !== true) {
    throw new AwsServiceError(
      'ParameterAlreadyExists',
      `The parameter ${name} already exists. To overwrite this value, set the overwrite option in the request to true.`,
    );
  }
  const type = (rawType as SsmParameter['type'] | undefined) ?? existing?.type;
  if (!type) throw validation(`A parameter type is required when you create a parameter (${name}).`);
  const description = stringMember(input, 'Description') ?? existing?.description;
  const parameter: SsmParameter = {
    name,
    type,
    value,
    version: (existing?.version ?? 0) + 1,
    lastModifiedDate: ctx.now,
    ...(description !== undefined ? { description } : {}),
  };
  ctx.account.ssm.set(name, parameter);
  return { Version: parameter.version, Tier: tier };
}

export const ssmService: JsonService = {
  protocol: 'json',
  signingName: 'ssm',
  targetPrefix: 'AmazonSSM',
  operations: {
    GetParameter: getParameter,
    PutParameter: putParameter,
  },
};
