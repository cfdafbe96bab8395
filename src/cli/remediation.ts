/**
 * What `plan`, `apply` and `rotate` share: flags → policy, clients, live inventory, journal facts,
 * and the capped plan. Nothing here changes AWS.
 */
import { resolve } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import type { RemediationClients } from '../aws/apply.js';
import { type AwsClients, type AwsConnection, clientConfig, createClients } from '../aws/clients.js';
import { collectPlanningInventory } from '../aws/plan-inventory.js';
import type { AccountInventory } from '../core/model.js';
import { capPlan } from '../core/plan/cap.js';
import { planAccount } from '../core/plan/planner.js';
import type { JournalFacts, Plan } from '../core/plan/types.js';
import { INVENTORY_MODES, type Policy } from '../core/policy/types.js';
import { openJournal } from '../journal/journal.js';
import { factsFromJournal } from '../journal/records.js';
import { parseNow } from './commands/audit.js';
import { type AwsFlags, addAwsOptions, awsFailure, connectionFrom } from './connection.js';
import { CliError, parseChoice, parseIntegerOption } from './errors.js';
import type { CliIO } from './io.js';
import { loadPolicy } from './policy-loader.js';

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
  readonly now: Date;
  readonly connection: AwsConnection;
  readonly clients: AwsClients & { readonly secretsManager: SecretsManagerClient };
  readonly journalPath: string;
  readonly maxActions: number;
  readonly warnings: readonly string[];
  close(): void;
}

/** Validates every flag and the policy before any AWS call. */
export function remediationContext(flags: RemediationFlags, io: CliIO): RemediationContext {
  const now = parseNow(flags.now);
  const inventoryMode =
    flags.inventory === undefined ? undefined : parseChoice('--inventory', flags.inventory, INVENTORY_MODES);
  const loaded = loadPolicy({ cwd: io.cwd, config: flags.config, preset: flags.preset });
  const maxActions =
    flags.maxActions === undefined
      ? loaded.policy.remediation.maxActions
      : parseIntegerOption('--max-actions', flags.maxActions, 0, 10_000);
  // Remediation acts on what IAM holds now: live inventory unless asked otherwise.
  const mode = inventoryMode ?? 'live';
  const policy: Policy = { ...loaded.policy, inventory: { ...loaded.policy.inventory, mode } };
  const connection = connectionFrom(flags, io.env);
  const base = createClients(connection);
  const secretsManager = new SecretsManagerClient(clientConfig(connection));
  const clients = { ...base, secretsManager };
  return {
    policy,
    now,
    connection,
    clients,
    journalPath: resolve(io.cwd, flags.journal ?? DEFAULT_JOURNAL),
    maxActions,
    warnings: loaded.warnings,
    close() {
      base.iam.destroy();
      base.sts.destroy();
      base.ssm.destroy();
      secretsManager.destroy();
    },
  };
}

export function journalFacts(path: string): JournalFacts {
  const { records } = openJournal(path).read();
  return factsFromJournal(records);
}

export interface PlannedAccount {
  readonly inventory: AccountInventory;
  readonly plan: Plan;
  readonly warnings: readonly string[];
}

/** Reads the account (or just `userNames`) as the context's inventory mode says. */
export async function readInventory(
  ctx: RemediationContext,
  progress: (m: string) => void,
  userNames?: readonly string[],
): Promise<{ readonly inventory: AccountInventory; readonly warnings: readonly string[] }> {
  try {
    return await collectPlanningInventory(ctx.clients, ctx.policy, {
      now: ctx.now,
      onProgress: progress,
      ...(userNames ? { userNames } : {}),
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw awsFailure(error, ctx.connection);
  }
}

/** Reads the account and plans it, capped at the context's maxActions. */
export async function planCurrentAccount(
  ctx: RemediationContext,
  progress: (m: string) => void,
): Promise<PlannedAccount> {
  const { inventory, warnings } = await readInventory(ctx, progress);
  const plan = capPlan(
    planAccount(inventory, ctx.policy, ctx.now, journalFacts(ctx.journalPath)),
    ctx.maxActions,
  );
  return { inventory, plan, warnings };
}

/** Remediation acts in the account of the caller's credentials (organizations come later). */
export function clientsFor(ctx: RemediationContext): (accountId: string) => RemediationClients {
  return () => ({ iam: ctx.clients.iam, secretsManager: ctx.clients.secretsManager });
}
