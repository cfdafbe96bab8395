/**
 * Imports Keywarden's ASFF findings into AWS Security Hub: BatchImportFindings in batches of 100,
 * with the SDK's retries for throttled calls (adaptive mode, see src/sdk/clients.ts). What was imported
 * before is read back from Security Hub itself (GetFindings filtered on the account's default
 * product, Keywarden's GeneratorId prefix and ACTIVE records), never from a local file, so:
 * - a finding imported again keeps its Id (and its CreatedAt / FirstObservedAt): no duplicate;
 * - a finding that is no longer open (fixed, or now exempt) is re-imported with the same Id and
 *   `RecordState: ARCHIVED`.
 * Only accounts the audit could read are reconciled; a failed account's findings are left alone.
 */
import {
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { ASFF_GENERATOR_PREFIX, ASFF_ID_PREFIX, type AsffFinding } from '../core/asff.js';
import { clientConfig, prepareClient } from '../sdk/clients.js';
import type { AwsConnection } from '../sdk/connection.js';
import { callAws } from '../sdk/errors.js';

/** BatchImportFindings accepts at most 100 findings per call. */
const BATCH_IMPORT_LIMIT = 100;
const GET_FINDINGS_PAGE = 100;

interface FailedFinding {
  readonly Id: string;
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
}

export interface SecurityHubImportResult {
  /** Open findings Security Hub accepted (new or updated). */
  readonly imported: number;
  /** Findings no longer open that Security Hub accepted as ARCHIVED. */
  readonly archived: number;
  /** Findings Security Hub refused, with its error code and message. */
  readonly failed: readonly FailedFinding[];
  /** BatchImportFindings calls made (each at most {@link BATCH_IMPORT_LIMIT} findings). */
  readonly batches: number;
}

/** One account's findings in one region: what GetFindings reads back and what may be archived. */
export interface SecurityHubScope {
  readonly accountId: string;
  readonly productArn: string;
}

/** "Inject or construct": the client for `connection`, built like every other client. */
export function createSecurityHubClient(connection: AwsConnection): SecurityHubClient {
  return prepareClient(new SecurityHubClient(clientConfig(connection)), connection);
}

/**
 * Sends `findings` (all ACTIVE) and archives every active Keywarden finding of `scopes` that is not
 * among them. Each finding is sent once per call; a finding Security Hub refuses is reported in
 * `failed`, not retried.
 */
export async function importFindings(
  client: SecurityHubClient,
  findings: readonly AsffFinding[],
  scopes: readonly SecurityHubScope[],
  now: Date,
): Promise<SecurityHubImportResult> {
  const current = new Map(findings.map((f) => [f.Id, f]));
  const previous = new Map<string, AwsSecurityFinding>();
  for (const scope of scopes) {
    for (const f of await readActiveFindings(client, scope)) if (f.Id !== undefined) previous.set(f.Id, f);
  }
  const active: AwsSecurityFinding[] = [...current.values()].map((f) => {
    const before = previous.get(f.Id);
    return {
      // AsffFinding is a readonly subset of AwsSecurityFinding.
      ...(f as unknown as AwsSecurityFinding),
      // The issue was first seen by an earlier run: keep that time.
      CreatedAt: before?.CreatedAt ?? f.CreatedAt,
      FirstObservedAt: before?.FirstObservedAt ?? before?.CreatedAt ?? f.FirstObservedAt,
    };
  });
  const gone = [...previous.values()].filter((f) => f.Id !== undefined && !current.has(f.Id));
  const archived = gone.map((f) => archive(f, now));

  const all = [...active, ...archived];
  const failed: FailedFinding[] = [];
  let batches = 0;
  for (let i = 0; i < all.length; i += BATCH_IMPORT_LIMIT) {
    const batch = all.slice(i, i + BATCH_IMPORT_LIMIT);
    batches++;
    const out = await callAws('securityhub:BatchImportFindings', `(${batch.length} findings)`, () =>
      client.send(new BatchImportFindingsCommand({ Findings: batch })),
    );
    for (const f of out.FailedFindings ?? []) {
      failed.push({
        Id: f.Id ?? '',
        ErrorCode: f.ErrorCode ?? 'Unknown',
        ErrorMessage: f.ErrorMessage ?? '',
      });
    }
  }
  const failedIds = new Set(failed.map((f) => f.Id));
  const ok = (f: AwsSecurityFinding) => f.Id !== undefined && !failedIds.has(f.Id);
  return {
    imported: active.filter(ok).length,
    archived: archived.filter(ok).length,
    failed,
    batches,
  };
}

/**
 * Keywarden's ACTIVE findings of one account, all pages. The filter is applied again on what comes
 * back, so an endpoint that ignores filters (moto does) cannot make us archive another product's
 * findings.
 */
async function readActiveFindings(
  client: SecurityHubClient,
  scope: SecurityHubScope,
): Promise<AwsSecurityFinding[]> {
  const filters: AwsSecurityFindingFilters = {
    ProductArn: [{ Value: scope.productArn, Comparison: 'EQUALS' }],
    AwsAccountId: [{ Value: scope.accountId, Comparison: 'EQUALS' }],
    GeneratorId: [{ Value: ASFF_GENERATOR_PREFIX, Comparison: 'PREFIX' }],
    RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
  };
  const out: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const page = await callAws('securityhub:GetFindings', `for account ${scope.accountId}`, () =>
      client.send(
        new GetFindingsCommand({ Filters: filters, MaxResults: GET_FINDINGS_PAGE, NextToken: token }),
      ),
    );
    for (const f of page.Findings ?? []) {
      if (
        f.ProductArn === scope.productArn &&
        f.AwsAccountId === scope.accountId &&
        f.GeneratorId?.startsWith(ASFF_GENERATOR_PREFIX) &&
        f.Id?.startsWith(ASFF_ID_PREFIX) &&
        (f.RecordState ?? 'ACTIVE') === 'ACTIVE'
      ) {
        out.push(f);
      }
    }
    token = page.NextToken || undefined;
  } while (token !== undefined);
  return out;
}

/** The finding as it was, re-dated and ARCHIVED (the fields BatchImportFindings accepts). */
function archive(f: AwsSecurityFinding, now: Date): AwsSecurityFinding {
  const at = now.toISOString();
  return {
    SchemaVersion: f.SchemaVersion,
    Id: f.Id,
    ProductArn: f.ProductArn,
    GeneratorId: f.GeneratorId,
    AwsAccountId: f.AwsAccountId,
    Types: f.Types,
    CreatedAt: f.CreatedAt,
    UpdatedAt: at,
    FirstObservedAt: f.FirstObservedAt,
    LastObservedAt: f.LastObservedAt,
    Severity: f.Severity,
    Title: f.Title,
    Description: f.Description,
    Remediation: f.Remediation,
    ProductFields: f.ProductFields,
    Resources: f.Resources,
    Compliance: f.Compliance,
    RecordState: 'ARCHIVED',
  };
}
