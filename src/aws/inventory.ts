/** One account's inventory in the mode the policy asks for: the credential report or the live IAM API. */
import { inventoryNeeds } from '../core/inventory-needs.js';
import type { Policy } from '../core/policy/types.js';
import type { AwsClients } from '../sdk/clients.js';
import type { FetchReportOptions } from './credential-report.js';
import { collectLiveInventory } from './live-inventory.js';
import { collectReportInventory, type InventoryResult, type ReportLookups } from './report-inventory.js';

export interface CollectOptions {
  readonly now: Date;
  readonly report?: FetchReportOptions;
  readonly onProgress?: (message: string) => void;
  /** Only these users (live mode reads just them; report mode judges and looks up just their rows). */
  readonly userNames?: readonly string[];
  /** Report mode: which users need their key ids or login profile read (default: none). */
  readonly lookups?: ReportLookups;
}

export async function collectInventory(
  clients: AwsClients,
  policy: Policy,
  options: CollectOptions,
): Promise<InventoryResult> {
  const common = {
    ssmParameterName: policy.exemptions.ssmParameter?.name ?? null,
    concurrency: policy.inventory.concurrency,
    report: { maxAgeSeconds: policy.inventory.reportMaxAgeSeconds, now: options.now, ...options.report },
    onProgress: options.onProgress,
    ...(options.userNames ? { userNames: options.userNames } : {}),
  };
  if (policy.inventory.mode === 'live') {
    // Only read what a configured exemption or enabled rule needs.
    const needs = inventoryNeeds(policy);
    return collectLiveInventory(clients, {
      ...common,
      needGroups: needs.groups,
      needMfa: needs.mfa,
      needAttachedPolicies: needs['attached-policies'],
    });
  }
  return collectReportInventory(clients, {
    ...common,
    ...(options.lookups ? { lookups: options.lookups } : {}),
  });
}
