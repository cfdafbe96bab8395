import type { CleanupKeyAction, CreateKeyAction, NotifyAction } from '../../core/plan/types.js';
import type { RemediationConfig } from '../../core/policy/types.js';
import type { NewAccessKey } from '../secrets.js';

/** A key created in this run whose secret is held in memory until Secrets Manager has it. */
export interface PendingSecret {
  readonly action: CreateKeyAction;
  readonly accessKeyId: string;
  /** Null once handed to Secrets Manager (or given up on). */
  key: NewAccessKey | null;
}

/** What one run of the executor holds in memory. */
export interface ExecutorState {
  /** The run's clock. */
  readonly now: () => Date;
  /** Where and how new keys are stored (secret KMS key and tags). */
  readonly remediation: RemediationConfig;
  /** By create-key action id; the secret is dropped as soon as store-secret takes the key. */
  readonly pending: Map<string, PendingSecret>;
  /**
   * Clean-ups of keys a CreateAccessKey provably made although its answer was lost
   * (src/core/plan/recovery.ts `settleLostCreate`); carried out right after its outcome.
   */
  readonly strays: CleanupKeyAction[];
  /** Notices an action found it must send (a key Keywarden did not make blocks a rotation). */
  readonly notices: NotifyAction[];
}
