/**
 * Secrets Manager over JSON 1.1: where a rotation stores the replacement key before the old one is
 * touched. Versions carry staging labels; a new AWSCURRENT demotes the old one to AWSPREVIOUS. A
 * `ClientRequestToken` becomes the version id, so a caller that chose the token can learn later
 * whether its store happened (DescribeSecret, ListSecretVersionIds) without reading the value.
 */
import { AwsServiceError } from '../errors.js';
import { epochSeconds, paginateToken, requiredStringMember, stringMember } from '../protocols/json.js';
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
 * The version a retried request made: the one whose id is the request's token, if it holds the same
 * value (the request is then a no-op). The same token with a different value is refused, because a
 * version can never change.
 */
function sameVersion(secret: Secret, versionId: string, secretString: string | null): SecretVersion | null {
  const version = secret.versions.find((v) => v.versionId === versionId);
  if (!version) return null;
  if (version.secretString !== secretString) {
    throw new AwsServiceError(
      'ResourceExistsException',
      `You can't use ClientRequestToken ${versionId} because that value is already in use for a version of secret ${secret.arn}.`,
    );
  }
  return version;
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
  const existing = findSecret(ctx, name);
  if (existing) {
    // A retried CreateSecret (same token, same value) succeeds again without a change, as in AWS.
    const version = sameVersion(existing, versionId, secretString);
    if (version) return { ARN: existing.arn, Name: existing.name, VersionId: version.versionId };
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
  const existing = sameVersion(secret, versionId, secretString);
  if (existing) {
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

/** Version id to staging labels, for versions that have a label (AWS leaves out deprecated ones). */
function versionsToStages(secret: Secret): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of secret.versions) if (v.stages.length > 0) out[v.versionId] = v.stages;
  return out;
}

/** The metadata DescribeSecret and ListSecrets share; never the value. */
function secretMetadata(secret: Secret) {
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description !== null ? { Description: secret.description } : {}),
    ...(secret.kmsKeyId !== null ? { KmsKeyId: secret.kmsKeyId } : {}),
    LastChangedDate: epochSeconds(secret.lastChangedDate),
    Tags: secret.tags,
    CreatedDate: epochSeconds(secret.createdDate),
  };
}

function describeSecret(ctx: RequestContext, input: Input): unknown {
  const secret = requireSecret(ctx, input);
  return { ...secretMetadata(secret), VersionIdsToStages: versionsToStages(secret) };
}

const MAX_RESULTS = 100;
const FILTER_KEYS = [
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
];
const MAX_FILTERS = 10;
const MAX_FILTER_VALUES = 10;
const FILTER_VALUE = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;
const SORT_BY = ['created-date', 'last-accessed-date', 'last-changed-date', 'name'];

function validationException(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', `1 validation error detected: ${message}`);
}

interface SecretFilter {
  readonly key: string;
  readonly values: readonly string[];
}

function readFilters(input: Input): SecretFilter[] {
  const raw = input.Filters;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw validationException("Value at 'filters' failed to satisfy constraint: Member must be a list");
  if (raw.length > MAX_FILTERS) {
    throw validationException(
      `Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to ${MAX_FILTERS}`,
    );
  }
  return raw.map((f: unknown, i) => {
    const filter = (f ?? {}) as Record<string, unknown>;
    const at = `filters.${i + 1}.member`;
    const key = filter.Key;
    if (typeof key !== 'string' || !FILTER_KEYS.includes(key)) {
      throw validationException(
        `Value '${String(key)}' at '${at}.key' failed to satisfy constraint: Member must satisfy enum value set: [${FILTER_KEYS.join(', ')}]`,
      );
    }
    const values = filter.Values;
    if (!Array.isArray(values) || values.length < 1 || values.length > MAX_FILTER_VALUES) {
      throw validationException(
        `Value at '${at}.values' failed to satisfy constraint: Member must have length between 1 and ${MAX_FILTER_VALUES}`,
      );
    }
    for (const value of values) {
      if (typeof value !== 'string' || value.length > 512 || !FILTER_VALUE.test(value)) {
        throw validationException(
          `Value '${String(value)}' at '${at}.values' failed to satisfy constraint: Member must have length less than or equal to 512 and satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$`,
        );
      }
    }
    return { key, values: values as string[] };
  });
}

const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');

/** The strings a filter key looks at, and how a value matches one of them. */
function filterTargets(
  secret: Secret,
  key: string,
): { strings: string[]; matches: (s: string, v: string) => boolean } {
  const prefix = (s: string, v: string) => s.startsWith(v);
  const prefixAnyCase = (s: string, v: string) => s.toLowerCase().startsWith(v.toLowerCase());
  switch (key) {
    case 'name':
      return { strings: [secret.name], matches: prefix };
    case 'description':
      return { strings: secret.description === null ? [] : [secret.description], matches: prefixAnyCase };
    case 'tag-key':
      return { strings: secret.tags.map((t) => t.Key), matches: prefix };
    case 'tag-value':
      return { strings: secret.tags.map((t) => t.Value), matches: prefix };
    case 'all':
      // Every word of the value must start a word of some attribute, case-insensitively.
      return {
        strings: [secret.name, secret.description ?? '', ...secret.tags.flatMap((t) => [t.Key, t.Value])],
        matches: (s, v) => {
          const target = words(s);
          const wanted = words(v);
          return wanted.length > 0 && wanted.every((w) => target.some((t) => t.startsWith(w)));
        },
      };
    default:
      // primary-region and owning-service: the emulator has no replicated or service-owned secrets.
      return { strings: [], matches: prefix };
  }
}

/** Values of one filter are alternatives; `!value` matches what does not match `value`. */
function matchesFilter(secret: Secret, filter: SecretFilter): boolean {
  const { strings, matches } = filterTargets(secret, filter.key);
  return filter.values.some((value) =>
    value.startsWith('!')
      ? !strings.some((s) => matches(s, value.slice(1)))
      : strings.some((s) => matches(s, value)),
  );
}

function paginate<T>(items: readonly T[], input: Input) {
  try {
    return paginateToken(items, input, MAX_RESULTS, MAX_RESULTS);
  } catch (error) {
    if (error instanceof AwsServiceError && error.code === 'InvalidNextTokenException') {
      throw new AwsServiceError('InvalidNextTokenException', 'The NextToken value is invalid.');
    }
    throw error;
  }
}

function listSecrets(ctx: RequestContext, input: Input): unknown {
  const filters = readFilters(input);
  const sortOrder = stringMember(input, 'SortOrder') ?? 'asc';
  if (sortOrder !== 'asc' && sortOrder !== 'desc') {
    throw validationException(
      `Value '${sortOrder}' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]`,
    );
  }
  const sortBy = stringMember(input, 'SortBy') ?? 'created-date';
  if (!SORT_BY.includes(sortBy)) {
    throw validationException(
      `Value '${sortBy}' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [${SORT_BY.join(', ')}]`,
    );
  }
  const byKey = (secret: Secret): number | string =>
    sortBy === 'name'
      ? secret.name
      : sortBy === 'last-changed-date'
        ? secret.lastChangedDate.getTime()
        : secret.createdDate.getTime();
  const direction = sortOrder === 'asc' ? 1 : -1;
  // Stable: secrets created in the same second keep their creation order.
  const matching = [...ctx.account.secrets.values()]
    .filter((secret) => filters.every((f) => matchesFilter(secret, f)))
    .sort((a, b) => {
      const x = byKey(a);
      const y = byKey(b);
      return x < y ? -direction : x > y ? direction : 0;
    });
  const paged = paginate(matching, input);
  return {
    SecretList: paged.page.map((secret) => ({
      ...secretMetadata(secret),
      SecretVersionsToStages: versionsToStages(secret),
    })),
    ...(paged.NextToken ? { NextToken: paged.NextToken } : {}),
  };
}

function listSecretVersionIds(ctx: RequestContext, input: Input): unknown {
  const secret = requireSecret(ctx, input);
  const includeDeprecated = input.IncludeDeprecated === true;
  const versions = secret.versions.filter((v) => includeDeprecated || v.stages.length > 0);
  const paged = paginate(versions, input);
  return {
    ARN: secret.arn,
    Name: secret.name,
    Versions: paged.page.map((v) => ({
      VersionId: v.versionId,
      VersionStages: v.stages,
      CreatedDate: epochSeconds(v.createdDate),
      ...(secret.kmsKeyId !== null ? { KmsKeyIds: [secret.kmsKeyId] } : {}),
    })),
    ...(paged.NextToken ? { NextToken: paged.NextToken } : {}),
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
    ListSecrets: listSecrets,
    ListSecretVersionIds: listSecretVersionIds,
    TagResource: tagResource,
  },
};
