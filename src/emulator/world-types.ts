/**
 * The world, as written in a file (YAML or JSON) or built in code: the accounts, users, keys and
 * resources an emulator starts with. Every time is relative ("N days ago" from the emulator clock
 * when the world is applied), so a world never goes stale. The file format is documented at the top
 * of worlds/demo.yaml.
 */

/** Days before the clock's now, as a number ≥ 0 (fractions allowed); `never`, null or absent = never. */
export type LastUsedDaysAgo = number | 'never' | null;

export interface WorldAccessKey {
  /** Kept as given (`AKIA` + 16 upper-case letters or digits). Default: generated from the emulator's seed. */
  readonly id?: string;
  /** Default `Active`. */
  readonly status?: 'Active' | 'Inactive';
  /** Default: the user's `createdDaysAgo` (the key was created with the user). */
  readonly createdDaysAgo?: number;
  /** Default: never used. Must not exceed `createdDaysAgo`. */
  readonly lastUsedDaysAgo?: LastUsedDaysAgo;
  /** Service of the last use (`LastUsedServiceName`); default `s3`. Only with a last use. */
  readonly service?: string;
  /** Region of the last use; default the emulator's region (`us-east-1`). Only with a last use. */
  readonly region?: string;
}

interface WorldLoginProfile {
  /** Default: the user's `createdDaysAgo`. The login profile's CreateDate (GetLoginProfile). */
  readonly createdDaysAgo?: number;
  /**
   * When the password was last set (the report's `password_last_changed`): a change (IAM
   * UpdateLoginProfile) moves it, never the profile's CreateDate. Default: `createdDaysAgo`.
   */
  readonly passwordLastChangedDaysAgo?: number;
  /** Default: never used. */
  readonly passwordLastUsedDaysAgo?: LastUsedDaysAgo;
  /** Default false. */
  readonly passwordResetRequired?: boolean;
}

export interface WorldUser {
  /** IAM user name, unique in its account (case-insensitively, as IAM compares them). */
  readonly name: string;
  /** Free text explaining why the user is in the world; ignored by the emulator. */
  readonly description?: string;
  /** IAM path; default `/`. */
  readonly path?: string;
  /** Default: the oldest time given for any of the user's credentials, else 0 (created now). */
  readonly createdDaysAgo?: number;
  readonly tags?: Readonly<Record<string, string>>;
  /** Group names; groups not declared on the account are created with path `/`. */
  readonly groups?: readonly string[];
  /** A virtual MFA device; default false. */
  readonly mfa?: boolean;
  /**
   * ARNs of AWS managed policies attached to the user, e.g. `arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2`
   * (only those the emulator knows: `AWS_MANAGED_POLICY_NAMES` in state.ts).
   */
  readonly attachedPolicies?: readonly string[];
  /** A console password; absent or null = none. */
  readonly loginProfile?: WorldLoginProfile | null;
  /**
   * Only without `loginProfile`: a `PasswordLastUsed` left over after the login profile was
   * deleted (IAM keeps it).
   */
  readonly passwordLastUsedDaysAgo?: LastUsedDaysAgo;
  /** At most 2 (the AWS limit), in slot order: `access_key_1`, `access_key_2`. */
  readonly accessKeys?: readonly WorldAccessKey[];
}

export interface WorldRootAccessKey {
  /** Default true. */
  readonly active?: boolean;
  /** Default: the account's `createdDaysAgo`. */
  readonly createdDaysAgo?: number;
  readonly lastUsedDaysAgo?: LastUsedDaysAgo;
  /** Default `s3`; only with a last use. */
  readonly service?: string;
  /** Default the emulator's region; only with a last use. */
  readonly region?: string;
}

export interface WorldRoot {
  /** Default true. */
  readonly mfa?: boolean;
  readonly passwordLastUsedDaysAgo?: LastUsedDaysAgo;
  /** At most 2. Default none. */
  readonly accessKeys?: readonly WorldRootAccessKey[];
}

interface WorldNamedPath {
  readonly name: string;
  /** Default `/`. */
  readonly path?: string;
}

interface WorldSsmParameter {
  readonly name: string;
  readonly value: string;
  /** Default `String`. A `StringList` value is comma-separated. */
  readonly type?: 'String' | 'StringList' | 'SecureString';
  readonly description?: string;
}

interface WorldSnsTopic {
  readonly name: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface WorldAccount {
  /** 12 digits, written as a quoted string. */
  readonly id: string;
  /** Default `account-<id>`. */
  readonly name?: string;
  /** Default `aws+<id>@example.com`. */
  readonly email?: string;
  /** Default `ACTIVE`. */
  readonly status?: 'ACTIVE' | 'SUSPENDED';
  /** When the account (and its root user) was created. Default: its oldest user or root key. */
  readonly createdDaysAgo?: number;
  /** Default: root with MFA, no access keys, password never used. */
  readonly root?: WorldRoot;
  readonly groups?: readonly WorldNamedPath[];
  readonly roles?: readonly WorldNamedPath[];
  readonly ssmParameters?: readonly WorldSsmParameter[];
  readonly snsTopics?: readonly WorldSnsTopic[];
  readonly users?: readonly WorldUser[];
}

export interface WorldOrganizationalUnit {
  /** `ou-<root suffix>-` followed by 8 to 32 lower-case letters or digits. Default: derived from the organization id and the OU's path. */
  readonly id?: string;
  /** 1 to 128 characters, unique among its siblings. */
  readonly name: string;
  /** Member accounts placed directly in this OU; each account in at most one OU. */
  readonly accounts?: readonly string[];
  /** Nested OUs; at most five levels below the root (the AWS limit). */
  readonly children?: readonly WorldOrganizationalUnit[];
}

export interface WorldOrganization {
  /** `o-` followed by 10 to 32 lower-case letters or digits. */
  readonly id: string;
  readonly managementAccountId: string;
  /** Must include the management account. Default: every account in the world. */
  readonly memberAccountIds?: readonly string[];
  /** `r-` followed by 4 to 32 lower-case letters or digits. Default: derived from the organization id. */
  readonly rootId?: string;
  /** The OU tree under the root. Accounts in no OU sit directly under the root. Default none. */
  readonly organizationalUnits?: readonly WorldOrganizationalUnit[];
  /**
   * Member accounts (not the management account) that may call the Organizations read operations
   * as a delegated administrator does. Default none.
   */
  readonly delegatedAdministrators?: readonly string[];
}

/** Emulator behaviour a world may ask for. */
interface WorldSts {
  /**
   * Default true: requests signed with temporary credentials past their `Expiration` (on the
   * emulator clock) get `ExpiredToken`, as in AWS. False keeps sessions valid forever, for stories
   * that move the clock by days within one session.
   */
  readonly sessionsExpire?: boolean;
}

export interface World {
  /** Default none. The first organization's management account is the emulator's default account. */
  readonly organizations?: readonly WorldOrganization[];
  /** At least one. Without organizations the first account is the default account. */
  readonly accounts: readonly WorldAccount[];
  readonly sts?: WorldSts;
}
