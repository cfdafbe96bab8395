/**
 * The journal's records and their parsing. A run writes `run-started`, then for each action an
 * `intent` (before it touches AWS) and an `outcome` (after), then `run-finished`. Every outcome
 * follows the intent of the same action in the same run. Records never hold a secret.
 *
 * Each line is validated with zod, an intent's action with the schema built from the action
 * definitions (src/core/actions/registry.ts); a line that is not a record is named by its number,
 * because guessing past it could delete a key early or send a notice twice.
 */
import * as z from 'zod';
import { ACTION_SCHEMA } from '../actions/registry.js';
import { formatIssues, genericMessage } from '../policy-errors.js';

/**
 * What started a run, as history names it: the CLI's `apply`, `rotate` and `undo`; `resume`, a run
 * that finishes an interrupted one (its `resumeOf`); `scheduled`, the scheduled handler or the
 * organization worker; `remediate`, the handler AWS Config remediation invokes.
 */
export type RunCommand = 'apply' | 'rotate' | 'undo' | 'resume' | 'scheduled' | 'remediate';
const RUN_COMMANDS = [
  'apply',
  'rotate',
  'undo',
  'resume',
  'scheduled',
  'remediate',
] as const satisfies readonly RunCommand[];
export type OutcomeStatus = 'done' | 'skipped' | 'failed';
const OUTCOME_STATUSES = ['done', 'skipped', 'failed'] as const satisfies readonly OutcomeStatus[];
const RECORD_TYPES = ['run-started', 'intent', 'outcome', 'run-finished'] as const;

// ---- records ----

const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { error: 'must be a timestamp' });
const count = z.int().min(0);
const envelope = { v: z.literal(1), runId: z.string().min(1), at: timestamp };

const deliverySchema = z.object({
  channel: z.string(),
  recipient: z.string(),
  status: z.string(),
  messageId: z.string().nullable(),
});

const recordSchemas = {
  'run-started': z.object({
    ...envelope,
    type: z.literal('run-started'),
    command: z.enum(RUN_COMMANDS),
    /** The interrupted run this one completes (command `resume`); else null. */
    resumeOf: z.string().nullable(),
    /** The account the run acts in, when the run knows it up front (a run under an account lease). */
    accountId: z.string().optional(),
    planned: count,
    deferred: count,
  }),
  intent: z
    .object({
      ...envelope,
      type: z.literal('intent'),
      actionId: z.string(),
      /** Built from the action definitions (src/core/actions/registry.ts). */
      action: ACTION_SCHEMA,
      /**
       * A create-key's call is over by then (abandoned if need be): the end of the window in which a
       * key it made after a crash can be told from someone else's.
       */
      answerBy: timestamp.optional(),
    })
    .refine((r) => r.action.id === r.actionId, {
      error: 'action.id differs from actionId',
      path: ['action', 'id'],
    }),
  outcome: z.object({
    ...envelope,
    type: z.literal('outcome'),
    actionId: z.string(),
    status: z.enum(OUTCOME_STATUSES),
    reason: z.string().nullable(),
    /** `$metadata.requestId` of the call that made the change; null when nothing was called. */
    requestId: z.string().nullable(),
    newAccessKeyId: z.string().optional(),
    secretArn: z.string().optional(),
    deliveries: z.array(deliverySchema).optional(),
  }),
  'run-finished': z.object({
    ...envelope,
    type: z.literal('run-finished'),
    done: count,
    skipped: count,
    failed: count,
    deferred: count,
  }),
} as const;

/** Checked first, so an unknown version or type is named before its fields are. */
const headerSchema = z.object({
  v: z.literal(1, { error: 'unsupported record version; this Keywarden reads version 1' }),
  type: z.enum(RECORD_TYPES),
});

export type JournalDelivery = z.output<typeof deliverySchema>;
type Parsed<T extends keyof typeof recordSchemas> = Readonly<z.output<(typeof recordSchemas)[T]>>;
export type IntentRecord = Parsed<'intent'>;
export type OutcomeRecord = Parsed<'outcome'>;
export type StartedRecord = Parsed<'run-started'>;
type FinishedRecord = Parsed<'run-finished'>;
export type JournalRecord = StartedRecord | IntentRecord | OutcomeRecord | FinishedRecord;
/** A journal line that is not a record; `line` is 1-based. */
export class JournalParseError extends Error {
  override readonly name = 'JournalParseError';
  constructor(
    message: string,
    readonly line: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * One line to a record, or the one-line reason it is not one. `where` names it in that reason: the
 * file journal's line number, or another store's own name for the item.
 */
export function parseRecord(
  raw: string,
  where: number | string,
): { record: JournalRecord } | { error: string } {
  const place = typeof where === 'number' ? `journal line ${where}` : where;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { error: `${place}: not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const header = headerSchema.safeParse(value, { error: genericMessage });
  if (!header.success) return { error: firstIssue(header.error.issues, value, place) };
  const parsed = recordSchemas[header.data.type].safeParse(value, { error: genericMessage });
  if (!parsed.success) return { error: firstIssue(parsed.error.issues, value, place) };
  return { record: parsed.data };
}

function firstIssue(issues: readonly z.core.$ZodIssue[], value: unknown, where: string): string {
  return formatIssues(issues, value, where)[0] ?? `${where}: not a journal record`;
}

/**
 * Parses JSON lines. A bad last line without its newline is what a crash mid-write leaves: it is
 * dropped with a warning (its action had not started: the intent is flushed before acting). Any
 * other bad line throws a {@link JournalParseError} naming the line.
 */
export function parseJournal(text: string): { records: JournalRecord[]; warnings: string[] } {
  const lines = text.split('\n');
  const torn = !text.endsWith('\n') && text.length > 0;
  const records: JournalRecord[] = [];
  const warnings: string[] = [];
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.trim() === '') return;
    const parsed = parseRecord(raw, lineNo);
    if ('record' in parsed) {
      records.push(parsed.record);
      return;
    }
    if (torn && index === lines.length - 1) {
      warnings.push(
        `journal line ${lineNo}: incomplete last record ignored (${parsed.error.replace(/^journal line \d+: /, '')}); ` +
          'the process probably stopped while writing it',
      );
      return;
    }
    throw new JournalParseError(
      `${parsed.error}; the journal is append-only JSON lines, so restore or remove that line by hand`,
      lineNo,
    );
  });
  return { records, warnings };
}
