/**
 * The action registry: every action Keywarden can take, and what derives from their definitions.
 * The actions a plan holds are those the rules' remediations name (src/core/rules/registry.ts), so
 * a rule that uses a new action brings it in; the recovery actions, which apply plans by itself,
 * are listed here. The `Action` union, the journal's schema, the permissions table and the
 * executors' dispatch (src/aws/apply/registry.ts, checked against `ExecutedActionType`) all come
 * from this list: no second copy to keep in step.
 */
import * as z from 'zod';
import type { UserRecord } from '../model.js';
import { type AnyRule, REMEDIATION_RULE_IDS, RULES } from '../rules/registry.js';
import {
  type AnyDefinition,
  type FindingRemedy,
  type Frozen,
  PLANNED_FIELDS,
  type PlannedDefinition,
  type PlannedShape,
  RECOVERY_FIELDS,
  type RecoveryDefinition,
  type RecoveryShape,
  type RemedyEvent,
  type Undo,
} from './action.js';
import { cleanupKey } from './cleanup-key.js';
import { reactivateKey } from './reactivate-key.js';

/** Actions apply plans by itself, to repair or reverse a run: no rule plans them. */
const RECOVERY = [cleanupKey, reactivateKey] as const;

/** The definitions of every action a rule may plan. */
type PlannedDefinitions = NonNullable<AnyRule['remediation']>['actions'][number];
type RecoveryDefinitions = (typeof RECOVERY)[number];

const RULE = z.enum(REMEDIATION_RULE_IDS);

/** The journal's schema of a planned action: the common fields, its rule, its own fields. */
type PlannedSchema<D> =
  D extends PlannedDefinition<infer T, infer F, infer H>
    ? z.ZodObject<PlannedShape<T, F, typeof RULE> & HoldsShape<H>>
    : never;
/** A field holding another planned action whole, or null; absent in journals older than the field. */
type HoldsShape<H> = {
  [K in keyof H]: z.ZodOptional<z.ZodNullable<PlannedSchema<Extract<PlannedDefinitions, { type: H[K] }>>>>;
};
type RecoverySchema<D> =
  D extends RecoveryDefinition<infer T, infer F> ? z.ZodObject<RecoveryShape<T, F>> : never;

/** The action a definition describes, as the plan holds it and the journal reads it back. */
export type ActionOf<D> = D extends PlannedDefinition
  ? Frozen<z.output<PlannedSchema<D>>>
  : Frozen<z.output<RecoverySchema<D>>>;

/** Every action a plan may hold. */
export type Action = ActionOf<PlannedDefinitions>;
export type ActionType = Action['type'];
/** Actions that repair or reverse a run rather than follow from the policy. */
type RecoveryAction = ActionOf<RecoveryDefinitions>;
/** Everything the apply step carries out and the journal records. */
export type AnyAction = Action | RecoveryAction;
export type AnyActionType = AnyAction['type'];
/** What the journal accepts as an action: every {@link AnyAction} is one (test/unit/core-actions.test.ts). */
export type ActionInput = z.input<PlannedSchema<PlannedDefinitions> | RecoverySchema<RecoveryDefinitions>>;
/** Every action the executors carry out: notices go to the notification channels instead. */
export type ExecutedActionType = Exclude<AnyActionType, 'notify'>;

function remediationActions(rule: AnyRule): readonly PlannedDefinition[] {
  return rule.remediation === null ? [] : rule.remediation.actions;
}

/** Planned actions in the rules' order, each once. */
const PLANNED: readonly PlannedDefinition[] = [...new Set(RULES.flatMap(remediationActions))];

/** Every action definition: planned, then recovery. */
export const ACTIONS: readonly AnyDefinition[] = [...PLANNED, ...RECOVERY];

const BY_TYPE: ReadonlyMap<string, AnyDefinition> = new Map(ACTIONS.map((d) => [d.type, d]));

// ---- the journal's schema ----

const schemas = new Map<string, z.ZodObject>();

function schemaOf(definition: AnyDefinition, holding: readonly string[] = []): z.ZodObject {
  const known = schemas.get(definition.type);
  if (known !== undefined) return known;
  if (holding.includes(definition.type)) {
    throw new Error(
      `action registry: ${[...holding, definition.type].join(' holds ')}; an action cannot hold itself`,
    );
  }
  const own = { type: z.literal(definition.type), ...definition.fields };
  let schema: z.ZodObject;
  if (definition.kind === 'recovery') {
    schema = z.object({ ...RECOVERY_FIELDS, ...own });
  } else {
    const held: Record<string, z.ZodType> = {};
    for (const [field, type] of Object.entries(definition.holds)) {
      const inner = BY_TYPE.get(type);
      if (inner === undefined)
        throw new Error(`action registry: ${definition.type}.${field} holds unknown action ${type}`);
      held[field] = schemaOf(inner, [...holding, definition.type])
        .nullable()
        .optional();
    }
    schema = z.object({ ...PLANNED_FIELDS, rule: RULE, ...own, ...held });
  }
  schemas.set(definition.type, schema);
  return schema;
}

const actionSchemas = ACTIONS.map((d) => schemaOf(d));

/**
 * Any action as the journal stores it, built from the definitions: what the core makes is what
 * the journal reads, in both directions (test/unit/core-actions.test.ts checks it).
 */
export const ACTION_SCHEMA = z.discriminatedUnion(
  'type',
  actionSchemas as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<AnyAction, ActionInput>;

// ---- what else derives from the definitions ----

/**
 * The IAM (and Secrets Manager) permissions each action needs, reads for re-verification included;
 * each action declares its own. Notify needs none here: each channel declares its own.
 */
export const ACTION_PERMISSIONS = Object.fromEntries(ACTIONS.map((d) => [d.type, d.permissions])) as Readonly<
  Record<AnyActionType, (typeof ACTIONS)[number]['permissions']>
>;

/** A definition's functions, for an action of its own type. */
interface Functions<A> {
  readonly changesAws: boolean;
  accessKeyId(action: A): string | null;
  summary(action: A): string;
  undo(action: A, newAccessKeyId: string | null): Undo;
  rank?(action: A): number;
  simulate?(user: UserRecord, action: A, at: Date): UserRecord;
}

/**
 * The definition of `action`'s type. The one cast of the registry: TypeScript cannot see that a
 * lookup by `action.type` finds the definition of that very type.
 */
function definitionOf<A extends AnyAction>(action: A): Functions<A> {
  const definition = BY_TYPE.get(action.type);
  if (definition === undefined) throw new Error(`action registry: no action ${action.type}`);
  return definition as unknown as Functions<A>;
}

/** True for an action that changes AWS (what the per-run cap counts). */
export function changesAws(action: AnyAction): boolean {
  return definitionOf(action).changesAws;
}

/** The key an action is about: the key it changes (create/store: the key replaced); null for a password. */
export function actionAccessKeyId(action: AnyAction): string | null {
  return definitionOf(action).accessKeyId(action);
}

/** The user's credentials after the action, as its definition simulates it (unchanged when it declares nothing). */
export function simulatedUser(action: Action, user: UserRecord, at: Date): UserRecord {
  return definitionOf(action).simulate?.(user, action, at) ?? user;
}

/** What the action acts on, in a few words (the plan's table). */
export function actionSummary(action: AnyAction): string {
  return definitionOf(action).summary(action);
}

/** What undoing a done action takes. */
export function undoOf(action: AnyAction, newAccessKeyId: string | null): Undo {
  return definitionOf(action).undo(action, newAccessKeyId);
}

/** The remedy of the action's definition; null when no rule may remediate a finding with it. */
function remedyOf<A extends Action>(action: A): FindingRemedy<A, object> | null {
  const definition = BY_TYPE.get(action.type);
  // As in definitionOf: the definition found by `action.type` is that action's.
  return definition?.kind === 'planned' ? (definition.remedy as FindingRemedy<A, object> | null) : null;
}

/** What a finding's remediation does to the credential (its remedy's event); null when it has no remedy. */
export function remedyEvent(action: Action): RemedyEvent | null {
  return remedyOf(action)?.event ?? null;
}

/** What a finding's remediation did, for the owner's notice (its remedy's `happened`). */
export function remedyHappened(action: Action): string {
  const remedy = remedyOf(action);
  if (remedy === null) throw new Error(`action registry: ${action.type} remediates no finding`);
  return remedy.happened(action);
}

/**
 * A planned action put together from parts (a rule's finding and its action's remedy), checked
 * against its definition's schema: a remedy that gives the wrong fields fails here, not in the journal.
 */
export function buildAction(parts: Record<string, unknown>): Action {
  const action = ACTION_SCHEMA.parse(parts);
  if (!('chainId' in action)) throw new Error(`action registry: ${action.type} is not a planned action`);
  return action;
}

/**
 * Position of a planned action within its user's actions, from its definition's `rank`: free the key
 * slot, create and store the new key, then deactivate, delete, remove the password, and tell the
 * owner last (after the change happened).
 */
export function actionRank(action: Action): number {
  const rank = definitionOf(action).rank;
  if (rank === undefined) throw new Error(`action registry: ${action.type} is not a planned action`);
  return rank(action);
}
