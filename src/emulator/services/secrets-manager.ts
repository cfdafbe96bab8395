/**
 * Secrets Manager over JSON 1.1: where a rotation stores the replacement key before the old one is
 * touched. Versions carry staging labels; a new AWSCURRENT demotes the old one to AWSPREVIOUS.
 */
import { AwsServiceError } from '../errors.js';
import { epochSeconds, requiredStringMember, stringMember } from '../protocols/json.js';
import { newUuid, type Secret, type SecretVersion, type Tag } from '../state.js';
import type { JsonService, RequestContext } from './types.js';

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** AWS keeps about 100 versions; versions without a staging label are the first to go. */
const MAX_VERSIONS = 100;
const MAX_SECRET_STRING_BYTES = 65_536;

type Input = Readonly<Record<string, unknown>>;

function notFound(): AwsServiceError {
  return new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
}

function invalidParameter(message: string): AwsServiceError {
  return new AwsServiceError('InvalidParameterException', message);
}

/** Finds a secret by name, full ARN, or partial ARN (the ARN without its random `-XXXXXX` suffix). */
function findSecret(ctx: RequestContext, secretId: string): Secret | undefined {
  const byName = ctx.account.secrets.get(secretId);
  if (byName) return byName;
  for (const secret of ctx.account.secrets.values()) {
    if (secret.arn === secretId || secret.arn.slice(0, -7) === secretId) return secret;
  }
  return undefined;
}

function requireSecret(ctx: RequestContext, input: Input): Secret {
  const secret = findSecret(ctx, requiredStringMember(input, 'SecretId'));
  if (!secret) throw notFound();
  return secret;
}

function readTags(input: Input): Tag[] {
  const raw = input.Tags;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidParameter('Tags must be a list of {Key, Value}.');
  return raw.map((t: unknown) => {
    const tag = (t ?? {}) as Record<string, unknown>;
    if (typeof tag.Key !== 'string' || tag.Key === '') {
      throw invalidParameter(`Each tag needs a non-empty Key; got ${JSON.stringify(t)}.`);
    }
    return { Key: tag.Key, Value: typeof tag.Value === 'string' ? tag.Value : '' };
  });
}

function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.Key, t]));
  for (const tag of added) byKey.set(tag.Key, tag);
  return [...byKey.values()];
}

/** The SDK fills ClientRequestToken with a UUID; AWS uses it as the version id. */
function versionIdFrom(ctx: RequestContext, input: Input): string {
  const token = stringMember(input, 'ClientRequestToken');
  if (token === undefined) return newUuid(ctx.state);
  if (token.length < 32 || token.length > 64) {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value '${token}' at 'clientRequestToken' failed to satisfy constraint: Member must have length between 32 and 64`,
    );
  }
  return token;
}

function secretStringFrom(input: Input): string | null {
  if (input.SecretBinary !== undefined) {
    throw invalidParameter(
      'SecretBinary is not supported by the keywarden emulator; store the value in SecretString.',
    );
  }
  const value = stringMember(input, 'SecretString');
  if (value === undefined) return null;
  if (Buffer.byteLength(value) > MAX_SECRET_STRING_BYTES) {
    throw invalidParameter(
      `SecretString is ${Buffer.byteLength(value)} bytes; the limit is ${MAX_SECRET_STRING_BYTES}.`,
    );
  }
  return value;
}

/**
 * Adds a version carrying `stages`, taking each label from whichever version had it. Moving AWSCURRENT
 * demotes the old current version to AWSPREVIOUS, as AWS does.
 */
function addVersion(secret: Secret, version: SecretVersion, now: Date): void {
  for (const stage of version.stages) {
    for (const holder of secret.versions) {
      if (!holder.stages.includes(stage)) continue;
      holder.stages = holder.stages.filter((s) => s !== stage);
      if (stage === CURRENT && !version.stages.includes(PREVIOUS)) {
        for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== PREVIOUS);
        holder.stages.push(PREVIOUS);
      }
    }
  }
  secret.versions.push(version);
  while (secret.versions.length > MAX_VERSIONS) {
    const index = secret.versions.findIndex((v) => v.stages.length === 0);
    if (index < 0) break;
    secret.versions.splice(index, 1);
  }
  secret.lastChangedDate = now;
}

function createSecret(ctx: RequestContext, input: Input): unknown {
  const name = requiredStringMember(input, 'Name');
  if (!SECRET_NAME.test(name)) {
    throw invalidParameter(
      `Invalid name '${name}'. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!`,
    );
  }
  const secretString = secretStringFrom(input);
  const versionId = versionIdFrom(ctx, input);
  if (findSecret(ctx, name)) {
    throw new AwsServiceError(
      'ResourceExistsException',
      `The operation failed because the secret ${name} already exists.`,
    );
  }
  const arn = `arn:aws:secretsmanager:${ctx.region}:${ctx.account.accountId}:secret:${name}-${ctx.state.rng.chars(SUFFIX_ALPHABET, 6)}`;
  const secret: Secret = {
    name,
    arn,
    description: stringMember(input, 'Description') ?? null,
    kmsKeyId: stringMember(input, 'KmsKeyId') ?? null,
    tags: mergeTags([], readTags(input)),
    createdDate: ctx.now,
    lastChangedDate: ctx.now,
    versions: [],
  };
  if (secretString !== null) {
    secret.versions.push({ versionId, secretString, createdDate: ctx.now, stages: [CURRENT] });
  }
  ctx.account.secrets.set(name, secret);
  return {
    ARN: arn,
    Name: name,
    ...(secretString !== null ? { VersionId: versionId } : {}),
  };
}

function putSecretValue(ctx: RequestContext, input: Input): unknown {
  const secret = requireSecret(ctx, input);
  const secretString = secretStringFrom(input);
  if (secretString === null) {
    throw new AwsServiceError(
      'InvalidRequestException',
      `You must provide either SecretString or SecretBinary to store a new version of ${secret.name}.`,
    );
  }
  const versionId = versionIdFrom(ctx, input);
  const rawStages = input.VersionStages;
  const stages =
    Array.isArray(rawStages) && rawStages.length > 0 ? rawStages.map((s: unknown) => String(s)) : [CURRENT];
  const existing = secret.versions.find((v) => v.versionId === versionId);
  if (existing) {
    // The same request retried: answer as before. A different value under the same token is refused.
    if (existing.secretString !== secretString) {
      throw new AwsServiceError(
        'ResourceExistsException',
        `You can't modify an existing version (${versionId}) of ${secret.name}, you can only create a new version.`,
      );
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: existing.stages };
  }
  const version: SecretVersion = { versionId, secretString, createdDate: ctx.now, stages };
  addVersion(secret, version, ctx.now);
  return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: version.stages };
}

function getSecretValue(ctx: RequestContext, input: Input): unknown {
  const secret = requireSecret(ctx, input);
  const versionId = stringMember(input, 'VersionId');
  const stage = stringMember(input, 'VersionStage') ?? (versionId === undefined ? CURRENT : undefined);
  const version = secret.versions.find(
    (v) =>
      (versionId === undefined || v.versionId === versionId) &&
      (stage === undefined || v.stages.includes(stage)),
  );
  if (!version) {
    throw new AwsServiceError(
      'ResourceNotFoundException',
      versionId !== undefined
        ? `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`
        : `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
    );
  }
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    ...(version.secretString !== null ? { SecretString: version.secretString } : {}),
    VersionStages: version.stages,
    CreatedDate: epochSeconds(version.createdDate),
  };
}

function describeSecret(ctx: RequestContext, input: Input): unknown {
  const secret = requireSecret(ctx, input);
  const versionIdsToStages: Record<string, string[]> = {};
  for (const v of secret.versions) if (v.stages.length > 0) versionIdsToStages[v.versionId] = v.stages;
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description !== null ? { Description: secret.description } : {}),
    ...(secret.kmsKeyId !== null ? { KmsKeyId: secret.kmsKeyId } : {}),
    LastChangedDate: epochSeconds(secret.lastChangedDate),
    Tags: secret.tags,
    VersionIdsToStages: versionIdsToStages,
    CreatedDate: epochSeconds(secret.createdDate),
  };
}

function tagResource(ctx: RequestContext, input: Input): unknown {
  const secret = requireSecret(ctx, input);
  const tags = readTags(input);
  if (tags.length === 0) {
    throw new AwsServiceError(
      'ValidationException',
      "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
  }
  secret.tags = mergeTags(secret.tags, tags);
  secret.lastChangedDate = ctx.now;
  return {};
}

export const secretsManagerService: JsonService = {
  protocol: 'json',
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  operations: {
    CreateSecret: createSecret,
    PutSecretValue: putSecretValue,
    GetSecretValue: getSecretValue,
    DescribeSecret: describeSecret,
    TagResource: tagResource,
  },
};
