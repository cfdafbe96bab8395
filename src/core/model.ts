/**
 * The normalized inventory: what the AWS adapters produce from either the credential report or
 * the live IAM API, and the only input the rules see. Dates are real `Date`s; "never" is `null`.
 */

export type KeyStatus = 'Active' | 'Inactive';

export interface AccessKeyRecord {
  /** Null when read from the credential report and not (yet) matched to a ListAccessKeys key. */
  readonly accessKeyId: string | null;
  /**
   * True when the report key could not be matched to exactly one ListAccessKeys key (two keys
   * created in the same second). The id is then never guessed: findings report it as unknown.
   */
  readonly idAmbiguous: boolean;
  /** access_key_1 / access_key_2 in the credential report; in live mode, keys by CreateDate ascending. */
  readonly slot: 1 | 2;
  readonly status: KeyStatus;
  /** The key's CreateDate (report column access_key_N_last_rotated). */
  readonly createDate: Date;
  /** Null when the key has never been used. */
  readonly lastUsedDate: Date | null;
  readonly lastUsedService: string | null;
  readonly lastUsedRegion: string | null;
}

interface LoginProfile {
  readonly createDate: Date;
}

export interface UserRecord {
  readonly accountId: string;
  readonly userName: string;
  readonly userId: string;
  readonly arn: string;
  /** IAM path, e.g. `/` or `/service-accounts/ci/`. */
  readonly path: string;
  readonly createDate: Date;
  readonly tags: Readonly<Record<string, string>>;
  readonly groups: readonly string[];
  /** Null when the user has no console password now. */
  readonly loginProfile: LoginProfile | null;
  /**
   * May still be set after the login profile was deleted (IAM keeps it); rules ignore it unless
   * `loginProfile` is non-null.
   */
  readonly passwordLastUsed: Date | null;
  readonly mfaActive: boolean;
  /**
   * ARNs of the managed policies attached to the user itself (not through a group). Live mode reads
   * them only when an enabled rule needs them (`attached-policies`); otherwise empty.
   */
  readonly attachedPolicyArns: readonly string[];
  readonly accessKeys: readonly AccessKeyRecord[];
}

interface RootAccessKeyRecord {
  readonly slot: 1 | 2;
  readonly active: boolean;
  readonly lastRotated: Date | null;
  readonly lastUsedDate: Date | null;
}

export interface RootRecord {
  readonly accountId: string;
  readonly arn: string;
  readonly mfaActive: boolean;
  readonly accessKeys: readonly RootAccessKeyRecord[];
}

export type InventorySource = 'credential-report' | 'live';

export interface AccountInventory {
  readonly accountId: string;
  readonly source: InventorySource;
  /** GeneratedTime of the credential report; null in live mode. */
  readonly reportGeneratedAt: Date | null;
  readonly users: readonly UserRecord[];
  /** Null when unknown (live mode, or an emulator without a root row). */
  readonly root: RootRecord | null;
  /** User names read from the SSM exclusion parameter; null when no parameter is configured. */
  readonly ssmExcludedUsers: readonly string[] | null;
}

/** The user name the credential report uses for the root user; also used in findings. */
export const ROOT_USER_NAME = '<root_account>';
