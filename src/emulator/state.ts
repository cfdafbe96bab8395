/**
 * The emulator's in-memory AWS: one `AccountState` per account, each with its own IAM, SSM, SNS,
 * Secrets Manager, SES and AWS Config state, plus an index from access key id to its owner so a signed request
 * can be attributed to an account and recorded as a use of that key.
 */
import type { EmulatorClock } from './clock.js';
import { AwsServiceError } from './errors.js';
import { createRng, type Rng } from './random.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface KeyLastUsed {
  date: Date;
  serviceName: string;
  region: string;
}

export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  status: 'Active' | 'Inactive';
  readonly createDate: Date;
  lastUsed: KeyLastUsed | null;
}

interface LoginProfile {
  createDate: Date;
  passwordResetRequired: boolean;
}

interface MfaDevice {
  serialNumber: string;
  enableDate: Date;
}

export interface IamUser {
  readonly userName: string;
  readonly userId: string;
  readonly arn: string;
  readonly path: string;
  readonly createDate: Date;
  tags: Tag[];
  /** Group names, in the order the user joined them. */
  groups: string[];
  /** In creation order; at most two (AWS's per-user limit). */
  accessKeys: AccessKey[];
  loginProfile: LoginProfile | null;
  /** Survives deletion of the login profile, as in AWS. */
  passwordLastUsed: Date | null;
  /** When the console password was last set; drives the report's `password_last_changed`. */
  passwordLastChanged: Date | null;
  mfaDevices: MfaDevice[];
  /** ARNs of the managed policies attached to the user itself, in attachment order. */
  attachedPolicyArns: string[];
}

/**
 * The AWS managed policies the emulator knows (it models no customer managed policy): the three
 * versions of the quarantine policy AWS attaches to a user whose key it found in public, and two
 * common ones to attach for contrast.
 */
export const AWS_MANAGED_POLICY_NAMES = [
  'AWSCompromisedKeyQuarantine',
  'AWSCompromisedKeyQuarantineV2',
  'AWSCompromisedKeyQuarantineV3',
  'ReadOnlyAccess',
  'IAMUserChangePassword',
] as const;

/** The ARN of an AWS managed policy (they all live at the path `/`). */
export const awsManagedPolicyArn = (name: string): string => `arn:aws:iam::aws:policy/${name}`;

export interface IamGroup {
  readonly groupName: string;
  readonly groupId: string;
  readonly arn: string;
  readonly path: string;
  readonly createDate: Date;
}

export interface IamRole {
  readonly roleName: string;
  readonly roleId: string;
  readonly arn: string;
  readonly path: string;
  readonly createDate: Date;
}

interface RootAccessKey {
  active: boolean;
  createDate: Date;
  lastUsed: KeyLastUsed | null;
}

interface RootAccount {
  readonly arn: string;
  readonly createDate: Date;
  mfaActive: boolean;
  passwordLastUsed: Date | null;
  accessKeys: RootAccessKey[];
}

interface CredentialReport {
  readonly generatedAt: Date;
  /** The CSV, fixed when generation starts (a snapshot, as in AWS). */
  readonly content: string;
  /** Polls (Generate or Get calls) still to be answered "in progress" before the report is COMPLETE. */
  pendingPolls: number;
}

interface IamState {
  users: Map<string, IamUser>;
  groups: Map<string, IamGroup>;
  roles: Map<string, IamRole>;
  root: RootAccount;
  credentialReport: CredentialReport | null;
}

export interface SsmParameter {
  name: string;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  version: number;
  lastModifiedDate: Date;
  description?: string;
}

interface SnsMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject: string | null;
  readonly message: string;
  readonly attributes: Record<string, string>;
  readonly publishedAt: Date;
}

export interface SnsTopic {
  readonly name: string;
  readonly arn: string;
  attributes: Record<string, string>;
  tags: Tag[];
}

export interface SecretVersion {
  readonly versionId: string;
  readonly secretString: string | null;
  readonly createdDate: Date;
  stages: string[];
}

export interface Secret {
  readonly name: string;
  readonly arn: string;
  description: string | null;
  kmsKeyId: string | null;
  tags: Tag[];
  readonly createdDate: Date;
  lastChangedDate: Date;
  versions: SecretVersion[];
}

interface SentEmail {
  readonly messageId: string;
  readonly from: string | null;
  readonly to: string[];
  readonly subject: string;
  readonly body: string;
  readonly sentAt: Date;
}

/** One evaluation as AWS Config received it from PutEvaluations. */
export interface ConfigEvaluation {
  readonly complianceResourceType: string;
  readonly complianceResourceId: string;
  readonly complianceType: 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';
  readonly annotation: string | null;
  readonly orderingTimestamp: Date;
}

/** One accepted PutEvaluations call, kept so tests can see what a Config rule handler delivered. */
interface ConfigEvaluationsCall {
  readonly requestId: string;
  readonly accountId: string;
  readonly resultToken: string;
  readonly testMode: boolean;
  /** The evaluations AWS Config took. */
  readonly evaluations: readonly ConfigEvaluation[];
  /** The evaluations answered in `FailedEvaluations` (an injected failure), not taken. */
  readonly failedEvaluations: readonly ConfigEvaluation[];
  readonly receivedAt: Date;
}

/**
 * An injected PutEvaluations failure: the next `times` evaluations of this resource id (any, when
 * null) are answered in `FailedEvaluations` instead of being taken, as AWS Config does under load.
 */
interface ConfigEvaluationFailure {
  readonly resourceId: string | null;
  times: number;
}

/**
 * The latest evaluation AWS Config holds per resource id (calls outside TestMode, in order): what
 * the console would show for the rule. Test mode calls are recorded but never change results.
 * @public The emulator's read of Config's results for tests (docs/emulator.md documents it); no
 * production code reads it, so knip is told it is used.
 */
export function latestConfigEvaluations(account: AccountState): Map<string, ConfigEvaluation> {
  const out = new Map<string, ConfigEvaluation>();
  for (const call of account.config.evaluationCalls) {
    if (call.testMode) continue;
    for (const e of call.evaluations) out.set(e.complianceResourceId, e);
  }
  return out;
}

export interface AccountState {
  readonly accountId: string;
  readonly name: string;
  readonly email: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';
  iam: IamState;
  ssm: Map<string, SsmParameter>;
  sns: { topics: Map<string, SnsTopic>; messages: SnsMessage[] };
  secrets: Map<string, Secret>;
  ses: { sent: SentEmail[] };
  config: { evaluationCalls: ConfigEvaluationsCall[]; failures: ConfigEvaluationFailure[] };
}

export interface OrganizationalUnit {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  /** The root's or another OU's id. */
  readonly parentId: string;
}

export interface Organization {
  readonly id: string;
  readonly arn: string;
  readonly managementAccountId: string;
  /** Every account in the organization, the management account included. */
  readonly memberAccountIds: string[];
  readonly root: { readonly id: string; readonly arn: string; readonly name: string };
  /** Parents before children, siblings in declaration order. */
  readonly organizationalUnits: OrganizationalUnit[];
  /** Account id to its OU's id; accounts not listed sit directly under the root. */
  readonly accountParents: Map<string, string>;
  /** Member accounts that may call the Organizations read operations, as the management account. */
  readonly delegatedAdministratorIds: string[];
}

/** Who signed a request. Unknown key ids act as the world's default account (so `aws` with dummy keys works). */
export type Principal =
  | {
      readonly kind: 'user';
      readonly accountId: string;
      readonly userName: string;
      readonly accessKeyId: string;
    }
  | {
      readonly kind: 'assumed-role';
      readonly accountId: string;
      readonly roleName: string;
      readonly sessionName: string;
      readonly accessKeyId: string;
    }
  | { readonly kind: 'default'; readonly accountId: string; readonly accessKeyId: string };

interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly sessionName: string;
  readonly expiration: Date;
}

export interface CredentialReportSettings {
  /** Polls answered "in progress" after a generation starts (default 1). 0 makes reports complete at once. */
  inProgressPolls: number;
  /** A report younger than this is returned again by GenerateCredentialReport (AWS: 4 hours). */
  reuseSeconds: number;
  /**
   * Age after which GetCredentialReport answers `ReportExpired` (410) until a new report is generated.
   * Default: never (AWS does not document an expiry age); set it to exercise that error path.
   */
  expireSeconds?: number;
  /**
   * How a cell holding a comma or a quote is written (IAM allows commas in user names and paths):
   * `rfc4180` (default) quotes it; `none` writes every cell as it is, as moto 5.2.1 does, so such a
   * name or path adds cells to its row. AWS's documentation does not say which AWS does.
   */
  quoting: 'rfc4180' | 'none';
}

export interface StsSettings {
  /**
   * The longest session AssumeRole grants, in seconds (every role's MaxSessionDuration): 900 to
   * 43200, default 43200. A `DurationSeconds` above it is refused as AWS refuses one above a role's
   * maximum; without `DurationSeconds` a session lasts one hour, or this maximum if shorter.
   */
  maxSessionSeconds: number;
  /** Default true: requests signed with temporary credentials past `Expiration` get `ExpiredToken`. */
  sessionsExpire: boolean;
}

const DEFAULT_STS_SETTINGS: StsSettings = { maxSessionSeconds: 43_200, sessionsExpire: true };

export interface EmulatorState {
  readonly clock: EmulatorClock;
  readonly rng: Rng;
  readonly region: string;
  readonly accounts: Map<string, AccountState>;
  readonly organizations: Organization[];
  defaultAccountId: string;
  /** accessKeyId -> owner, for user keys. */
  readonly keyIndex: Map<string, { accountId: string; userName: string }>;
  readonly temporaryCredentials: Map<string, TemporaryCredentials>;
  readonly credentialReport: CredentialReportSettings;
  readonly sts: StsSettings;
}

export interface CreateStateOptions {
  readonly clock: EmulatorClock;
  readonly seed?: number;
  readonly region?: string;
  readonly credentialReport?: Partial<CredentialReportSettings>;
  readonly sts?: Partial<StsSettings>;
}

export function createState(options: CreateStateOptions): EmulatorState {
  return {
    clock: options.clock,
    rng: createRng(options.seed ?? 1),
    region: options.region ?? 'us-east-1',
    accounts: new Map(),
    organizations: [],
    defaultAccountId: '',
    keyIndex: new Map(),
    temporaryCredentials: new Map(),
    credentialReport: {
      inProgressPolls: 1,
      reuseSeconds: 4 * 3600,
      quoting: 'rfc4180',
      ...options.credentialReport,
    },
    sts: { ...DEFAULT_STS_SETTINGS, ...options.sts },
  };
}

const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const HEX = '0123456789abcdef';

/** AWS-shaped unique ids: `AIDA…` users, `AKIA…` keys, `ASIA…` temporary keys, `AGPA…` groups, `AROA…` roles. */
export function newId(state: EmulatorState, prefix: string, length = 16): string {
  return prefix + state.rng.chars(UPPER_DIGITS, length);
}

export function newSecret(state: EmulatorState): string {
  return state.rng.chars(SECRET_ALPHABET, 40);
}

export function newUuid(state: EmulatorState): string {
  const h = state.rng.chars(HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function addAccount(
  state: EmulatorState,
  init: { accountId: string; name?: string; email?: string; createDate?: Date },
): AccountState {
  if (state.accounts.has(init.accountId)) throw new Error(`account ${init.accountId} is defined twice`);
  const account: AccountState = {
    accountId: init.accountId,
    name: init.name ?? `account-${init.accountId}`,
    email: init.email ?? `aws+${init.accountId}@example.com`,
    status: 'ACTIVE',
    iam: {
      users: new Map(),
      groups: new Map(),
      roles: new Map(),
      root: {
        arn: `arn:aws:iam::${init.accountId}:root`,
        createDate: init.createDate ?? state.clock.now(),
        mfaActive: true,
        passwordLastUsed: null,
        accessKeys: [],
      },
      credentialReport: null,
    },
    ssm: new Map(),
    sns: { topics: new Map(), messages: [] },
    secrets: new Map(),
    ses: { sent: [] },
    config: { evaluationCalls: [], failures: [] },
  };
  state.accounts.set(init.accountId, account);
  if (!state.defaultAccountId) state.defaultAccountId = init.accountId;
  return account;
}

export function getAccount(state: EmulatorState, accountId: string): AccountState {
  const account = state.accounts.get(accountId);
  if (!account) throw new Error(`unknown account ${accountId}`);
  return account;
}

export function addUser(
  state: EmulatorState,
  account: AccountState,
  init: { userName: string; path?: string; createDate?: Date; tags?: Tag[] },
): IamUser {
  if (account.iam.users.has(init.userName)) {
    throw new AwsServiceError('EntityAlreadyExists', `User with name ${init.userName} already exists.`, 409);
  }
  const path = init.path ?? '/';
  const user: IamUser = {
    userName: init.userName,
    userId: newId(state, 'AIDA', 17),
    arn: `arn:aws:iam::${account.accountId}:user${path}${init.userName}`,
    path,
    createDate: init.createDate ?? state.clock.now(),
    tags: [...(init.tags ?? [])],
    groups: [],
    accessKeys: [],
    loginProfile: null,
    passwordLastUsed: null,
    passwordLastChanged: null,
    mfaDevices: [],
    attachedPolicyArns: [],
  };
  account.iam.users.set(user.userName, user);
  return user;
}

export function removeUser(state: EmulatorState, account: AccountState, user: IamUser): void {
  for (const key of user.accessKeys) state.keyIndex.delete(key.accessKeyId);
  account.iam.users.delete(user.userName);
}

export function addAccessKey(
  state: EmulatorState,
  account: AccountState,
  user: IamUser,
  init: {
    status?: 'Active' | 'Inactive';
    createDate?: Date;
    lastUsed?: KeyLastUsed | null;
    accessKeyId?: string;
  } = {},
): AccessKey {
  if (user.accessKeys.length >= 2) {
    throw new AwsServiceError('LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2', 409);
  }
  const key: AccessKey = {
    accessKeyId: init.accessKeyId ?? newId(state, 'AKIA'),
    secretAccessKey: newSecret(state),
    status: init.status ?? 'Active',
    createDate: init.createDate ?? state.clock.now(),
    lastUsed: init.lastUsed ?? null,
  };
  user.accessKeys.push(key);
  state.keyIndex.set(key.accessKeyId, { accountId: account.accountId, userName: user.userName });
  return key;
}

export function removeAccessKey(state: EmulatorState, user: IamUser, accessKeyId: string): void {
  user.accessKeys = user.accessKeys.filter((k) => k.accessKeyId !== accessKeyId);
  state.keyIndex.delete(accessKeyId);
}

export function addGroup(
  state: EmulatorState,
  account: AccountState,
  init: { groupName: string; path?: string; createDate?: Date },
): IamGroup {
  const existing = account.iam.groups.get(init.groupName);
  if (existing) return existing;
  const path = init.path ?? '/';
  const group: IamGroup = {
    groupName: init.groupName,
    groupId: newId(state, 'AGPA', 17),
    arn: `arn:aws:iam::${account.accountId}:group${path}${init.groupName}`,
    path,
    createDate: init.createDate ?? state.clock.now(),
  };
  account.iam.groups.set(group.groupName, group);
  return group;
}

export function addRole(
  state: EmulatorState,
  account: AccountState,
  init: { roleName: string; path?: string; createDate?: Date },
): IamRole {
  const path = init.path ?? '/';
  const role: IamRole = {
    roleName: init.roleName,
    roleId: newId(state, 'AROA', 17),
    arn: `arn:aws:iam::${account.accountId}:role${path}${init.roleName}`,
    path,
    createDate: init.createDate ?? state.clock.now(),
  };
  account.iam.roles.set(role.roleName, role);
  return role;
}

/** Finds what signed a request: a world user's key, temporary credentials from AssumeRole, or the default account. */
export function resolvePrincipal(state: EmulatorState, accessKeyId: string): Principal {
  const owner = state.keyIndex.get(accessKeyId);
  if (owner) return { kind: 'user', accountId: owner.accountId, userName: owner.userName, accessKeyId };
  const temp = state.temporaryCredentials.get(accessKeyId);
  if (temp) {
    return {
      kind: 'assumed-role',
      accountId: temp.accountId,
      roleName: temp.roleName,
      sessionName: temp.sessionName,
      accessKeyId,
    };
  }
  return { kind: 'default', accountId: state.defaultAccountId, accessKeyId };
}

/** Looks up a user's key object by id, for recording use and checking status. */
export function findUserKey(state: EmulatorState, accessKeyId: string): AccessKey | undefined {
  const owner = state.keyIndex.get(accessKeyId);
  if (!owner) return undefined;
  return state.accounts
    .get(owner.accountId)
    ?.iam.users.get(owner.userName)
    ?.accessKeys.find((k) => k.accessKeyId === accessKeyId);
}
