/**
 * What an action is, in one place: Cloud Custodian's action class, with deciding and acting kept
 * apart. A definition (one file per action in this folder) holds the action's type, its own fields
 * as the journal stores them (a zod shape the TypeScript type is inferred from), the IAM permissions
 * it needs, whether it changes AWS, its pure live-check verdict, and what the plan, the undo and a
 * rule's finding make of it. Its AWS call is its executor, src/aws/apply/<type>.ts. The registry
 * (registry.ts) puts the definitions together; the `Action` union, the journal's schema and the
 * permissions table all derive from it.
 */
import * as z from 'zod';
import type { AccessKeyRecord, UserRecord } from '../model.js';
import type { Permission } from '../permission.js';

/**
 * Where a credential is in its lifecycle; part of every action id, so each stage of one key
 * yields its own actions (and its own notification, sent once). `remediate`: a rule's finding,
 * remediated by the action its rule names (src/core/plan/findings.ts).
 */
const STAGES = [
  'warn',
  'rotate',
  'blocked',
  'deactivate',
  'still-in-use',
  'force-deactivate',
  'delete',
  'inactive-seen',
  'active-seen',
  'revoke-unused',
  'remediate',
] as const;
export type Stage = (typeof STAGES)[number];

/** What an action about the console password names in its id and chain, where others name a key. */
export const PASSWORD_SUBJECT = 'password';

/** An ISO timestamp, or null (never used, no deadline). */
export const isoOrNull = z.string().nullable();

/** The fields every planned action has besides `type` and `rule` (the registry adds the rule ids). */
export const PLANNED_FIELDS = {
  /** Stable: `<accountId>/<userName>/<accessKeyId | password>/<type>/<stage>`. */
  id: z.string(),
  /**
   * The actions that stand or fall together (`<accountId>/<userName>/<accessKeyId | password>/<stage>`):
   * capping keeps or defers a chain whole, so a key is never created without being stored.
   */
  chainId: z.string(),
  accountId: z.string(),
  userName: z.string(),
  stage: z.enum(STAGES),
  /** One sentence: why this action is planned. */
  reason: z.string(),
};

/** The fields every recovery action (planned by apply itself, not by a rule) has besides `type`. */
export const RECOVERY_FIELDS = {
  id: z.string(),
  accountId: z.string(),
  userName: z.string(),
  accessKeyId: z.string(),
  reason: z.string(),
};

/** Plan data is readonly all the way down. */
export type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;

type Shape = z.ZodRawShape;

/** The journal's shape of a planned action of type `T` with its own fields `F`. */
export type PlannedShape<
  T extends string,
  F extends Shape,
  R extends z.ZodType<string>,
> = typeof PLANNED_FIELDS & {
  type: z.ZodLiteral<T>;
  rule: R;
} & F;

/** The journal's shape of a recovery action of type `T` with its own fields `F`. */
export type RecoveryShape<T extends string, F extends Shape> = typeof RECOVERY_FIELDS & {
  type: z.ZodLiteral<T>;
} & F;

/** A planned action as its own definition sees it: any rule may have planned it. */
export type PlannedOf<T extends string, F extends Shape> = Frozen<
  z.output<z.ZodObject<PlannedShape<T, F, z.ZodString>>>
>;

/** A recovery action, as the journal reads it. */
type RecoveryOf<T extends string, F extends Shape> = Frozen<z.output<z.ZodObject<RecoveryShape<T, F>>>>;

/** What undoing a done action takes: nothing, making its key Active again, or it cannot be undone. */
export type Undo =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'reactivate'; readonly accessKeyId: string }
  | { readonly kind: 'irreversible'; readonly accessKeyId: string | null; readonly reason: string };

/** What a rule found, as an action that remediates it sees it. */
export interface Finding {
  readonly user: UserRecord;
  readonly credential: 'access-key' | 'password' | 'user';
  /** The key the finding is about; null for a password or the user as a whole. */
  readonly key: AccessKeyRecord | null;
}

/**
 * What an action does about one finding: its own fields, and the subject its id and chain name (a
 * key id, {@link PASSWORD_SUBJECT}, or another word for the user as a whole); or why it cannot act
 * on it, which blocks the finding for a person to look at.
 */
type FindingPlan<Fields> =
  | { readonly subject: string; readonly fields: Fields }
  | { readonly blocked: string };

/** The forecast's word for what remediating a finding does (a new password is a rotation too). */
export type RemedyEvent = 'rotation' | 'deactivation' | 'deletion';

/** How an action remediates a rule's findings (a rule names it with `eachFinding`). */
export interface FindingRemedy<A, Fields> {
  /** What it does to the credential, as the forecast counts it (src/core/forecast.ts). */
  readonly event: RemedyEvent;
  plan(finding: Finding): FindingPlan<Fields>;
  /** For the owner's notice, without the final period: e.g. `Access key AKIA… was deleted`. */
  happened(action: A): string;
}

interface DefinitionBase<T extends string, F extends Shape, A> {
  readonly type: T;
  /** Its own fields, beyond the common ones, as the journal stores them. */
  readonly fields: F;
  /** Every IAM (and Secrets Manager) permission its executor calls, live re-checks included. */
  readonly permissions: readonly Permission[];
  /** True when it changes AWS (what the per-run cap counts); false for journal-only notes and notices. */
  readonly changesAws: boolean;
  /** The key it is about (create/store: the key being replaced); null for the console password. */
  accessKeyId(action: A): string | null;
  /** What it acts on, in a few words, for the plan as people read it. */
  summary(action: A): string;
  /** What undoing it takes, once it was done (`newAccessKeyId`: a key it made). */
  undo(action: A, newAccessKeyId: string | null): Undo;
  /**
   * What it does to its user's credentials, for the forecast's day-by-day simulation
   * (src/core/forecast-state.ts simulates the built-in actions itself). Absent: the simulation takes
   * it to change nothing the planner reads.
   */
  simulate?(user: UserRecord, action: A, at: Date): UserRecord;
}

/** An action a rule plans (see `remediation` in src/core/rules/types.ts). */
export interface PlannedDefinition<
  T extends string = string,
  F extends Shape = Shape,
  H extends Holds = Holds,
> extends DefinitionBase<T, F, PlannedOf<T, F>> {
  readonly kind: 'planned';
  /** Fields that hold another planned action whole (or null): the field's name → that action's type. */
  readonly holds: H;
  /** Its position within one user's actions; lower runs first (see `actionRank` in registry.ts). */
  rank(action: PlannedOf<T, F>): number;
  /** How a rule may remediate its findings with this action; null when no rule may. */
  readonly remedy: FindingRemedy<PlannedOf<T, F>, Frozen<z.output<z.ZodObject<F>>>> | null;
}

/** An action apply plans itself, to repair or reverse a run; no rule plans it. */
export interface RecoveryDefinition<T extends string = string, F extends Shape = Shape>
  extends DefinitionBase<T, F, RecoveryOf<T, F>> {
  readonly kind: 'recovery';
}

export type Holds = Readonly<Record<string, string>>;
/** A definition that holds no other action. */
export type NoHolds = Record<never, never>;
export type AnyDefinition = PlannedDefinition | RecoveryDefinition;

/** A planned action whose findings a rule may remediate with it. */
export type RemedyDefinition = PlannedDefinition & {
  readonly remedy: FindingRemedy<never, object>;
};

type RemedyOf<T extends string, F extends Shape> = FindingRemedy<
  PlannedOf<T, F>,
  Frozen<z.output<z.ZodObject<F>>>
>;

/**
 * Declares a planned action. The generic parameters keep its type literal and its fields typed; the
 * definition's own functions see the action as the journal reads it.
 */
export function plannedAction<const T extends string, const F extends Shape, const H extends Holds = NoHolds>(
  definition: Omit<PlannedDefinition<T, F, H>, 'kind' | 'holds' | 'remedy'> & { readonly holds?: H },
): PlannedDefinition<T, F, H> & { readonly remedy: null } {
  return { ...definition, kind: 'planned', holds: definition.holds ?? ({} as H), remedy: null };
}

/** Declares a planned action a rule may remediate its findings with (see `eachFinding`). */
export function remedyAction<const T extends string, const F extends Shape>(
  definition: Omit<PlannedDefinition<T, F, NoHolds>, 'kind' | 'holds' | 'remedy'> & {
    readonly remedy: RemedyOf<T, F>;
  },
): PlannedDefinition<T, F, NoHolds> & { readonly remedy: RemedyOf<T, F> } {
  return { ...definition, kind: 'planned', holds: {} };
}

/** Declares a recovery action. */
export function recoveryAction<const T extends string, const F extends Shape>(
  definition: Omit<RecoveryDefinition<T, F>, 'kind'>,
): RecoveryDefinition<T, F> {
  return { ...definition, kind: 'recovery' };
}
