/**
 * What `plan`, `apply`, `rotate` and `undo` share: flags → policy, cap, journal, clients and the
 * engine's dependencies. Every flag and the policy are validated before any AWS call.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createNotifier } from '../channels/notifier.js';
import { INVENTORY_MODES, type Policy } from '../core/policy/types.js';
import type { RemediationDeps } from '../engine/types.js';
import type { Journal } from '../journal/journal.js';
import { type AwsFlags, addAwsOptions, connectionFrom } from './connection.js';
import { parseChoice, parseIntegerOption, parseNow } from './errors.js';
import type { CliIO } from './io.js';
import { loadPolicy } from './policy-loader.js';
import { connect, openJournalAt, type Session } from './session.js';

export const DEFAULT_JOURNAL = '.keywarden/journal.jsonl';

export interface RemediationFlags extends AwsFlags {
  readonly config?: string;
  readonly preset?: string;
  readonly now?: string;
  readonly maxActions?: string;
  readonly journal?: string;
  readonly inventory?: string;
}

export function addRemediationOptions(command: Command): Command {
  command
    .option('--config <file>', 'policy file (default: ./keywarden.yaml if present)')
    .option('--preset <name>', 'aws-config (the AWS runbook), cis, rotation-165-180-185')
    .option('--now <iso-time>', 'plan as of this time (what-if); default: now')
    .option('--max-actions <n>', 'cap on changes per run (default: policy remediation.maxActions, 50)')
    .option('--journal <file>', `journal file (default: ${DEFAULT_JOURNAL})`)
    .option('--inventory <mode>', 'live (default for remediation: current state, per-user calls) or report');
  return addAwsOptions(command);
}

export interface RemediationContext {
  readonly policy: Policy;
  readonly maxActions: number;
  readonly journal: Journal;
  readonly warnings: readonly string[];
  /** The engine's dependencies; `notify` false leaves the notifier out (planning sends nothing). */
  deps(options: {
    readonly notify: boolean;
    readonly onResult?: RemediationDeps['onResult'];
  }): RemediationDeps;
  close(): void;
}

/** Validates every flag and the policy, then connects (no AWS call is made here). */
export function remediationContext(flags: RemediationFlags, io: CliIO, session: Session): RemediationContext {
  const fixedNow = flags.now === undefined ? null : parseNow(flags.now);
  const inventoryMode =
    flags.inventory === undefined ? undefined : parseChoice('--inventory', flags.inventory, INVENTORY_MODES);
  const loaded = loadPolicy({ cwd: io.cwd, config: flags.config, preset: flags.preset });
  const maxActions =
    flags.maxActions === undefined
      ? loaded.policy.remediation.maxActions
      : parseIntegerOption('--max-actions', flags.maxActions, 0, 10_000);
  // Remediation acts on what IAM holds now: live inventory unless asked otherwise.
  const policy: Policy = {
    ...loaded.policy,
    inventory: { ...loaded.policy.inventory, mode: inventoryMode ?? 'live' },
  };
  const connection = connectionFrom(flags, io.env);
  const journal = openJournalAt(session, resolve(io.cwd, flags.journal ?? DEFAULT_JOURNAL));
  const clients = connect(session, connection);
  // With --now (what-if) the run is stamped with that time, so the journal and the plan share one
  // timeline; otherwise with the wall clock.
  const clock = fixedNow === null ? () => new Date() : () => fixedNow;
  return {
    policy,
    maxActions,
    journal,
    warnings: loaded.warnings,
    deps({ notify, onResult }) {
      return {
        clients,
        clock,
        journal,
        notifier: notify
          ? createNotifier(policy.notifications, { env: io.env, connection, ssm: clients.ssm })
          : null,
        ...(onResult ? { onResult } : {}),
      };
    },
    close: () => clients.close(),
  };
}

/** Writes each warning as one stderr line. */
export function warn(io: CliIO, warnings: readonly string[]): void {
  for (const w of warnings) io.stderr.write(`keywarden: warning: ${w}\n`);
}

/** Asks on a terminal; nobody to ask means no. */
export async function confirm(io: CliIO, question: string): Promise<boolean> {
  return io.confirm ? io.confirm(question) : false;
}

/** A one-line progress indicator on a terminal's stderr, cleared by `done()`. */
export function progressLine(io: CliIO): { readonly update: (m: string) => void; readonly done: () => void } {
  if (!io.stderr.isTTY) return { update: () => {}, done: () => {} };
  return {
    update: (m) => io.stderr.write(`\r\x1b[2K… ${m}`),
    done: () => io.stderr.write('\r\x1b[2K'),
  };
}
