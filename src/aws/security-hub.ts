/**
 * Imports Keywarden's ASFF findings into AWS Security Hub and keeps each one's lifecycle there:
 * BatchImportFindings in batches of 100, BatchUpdateFindings for the workflow, with the SDK's retries
 * for throttled calls (adaptive mode, see src/sdk/clients.ts). What was imported before is read back
 * from Security Hub itself (GetFindings filtered on the account's default product and Keywarden's
 * GeneratorId prefix, active and archived), never from a local file, so:
 * - a finding imported again keeps its Id, CreatedAt and FirstObservedAt: never a duplicate;
 * - a finding that went away (fixed) is sent again with the same Id, `Compliance.Status: PASSED` and
 *   `RecordState: ARCHIVED`, and its `Workflow.Status` set to RESOLVED;
 * - a finding that comes back after that is sent ACTIVE (same Id) and its workflow set to NEW.
 * The workflow takes BatchUpdateFindings: BatchImportFindings ignores `Workflow` on an existing
 * finding. `UpdatedAt` always moves forward, or Security Hub would ignore the update.
 * Only accounts the audit could read are reconciled; a failed account's findings are left alone.
 */
import {
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters,
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type WorkflowStatus,
} from '@aws-sdk/client-securityhub';
import { ASFF_GENERATOR_PREFIX, ASFF_ID_PREFIX, type AsffFinding } from '../core/asff.js';
import { clientConfig, prepareClient } from '../sdk/clients.js';
import type { AwsConnection } from '../sdk/connection.js';
import { callAws } from '../sdk/errors.js';

/** BatchImportFindings and BatchUpdateFindings take at most 100 findings per call. */
const BATCH_IMPORT_LIMIT = 100;
const GET_FINDINGS_PAGE = 100;

interface FailedFinding {
  readonly Id: string;
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
}

export interface SecurityHubImportResult {
  /** Open findings (FAILED) Security Hub accepted, new or updated. */
  readonly imported: number;
  /** Findings that are not open (exempt, or a rotation in progress: WARNING) Security Hub accepted. */
  readonly notOpen: number;
  /** Findings that went away, accepted as PASSED and ARCHIVED, their workflow set to RESOLVED. */
  readonly archived: number;
  /** Archived findings that came back, accepted as ACTIVE, their workflow set to NEW. */
  readonly reopened: number;
  /** Findings Security Hub refused (import or workflow update), with its error code and message. */
  readonly failed: readonly FailedFinding[];
  /** BatchImportFindings calls made (each at most {@link BATCH_IMPORT_LIMIT} findings). */
  readonly batches: number;
  /** BatchUpdateFindings calls made (one per workflow status, at most 100 findings each). */
  readonly workflowBatches: number;
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
 * Sends `findings` (all ACTIVE), resolves and archives every active Keywarden finding of `scopes`
 * that is not among them, and re-opens the archived ones that are. Each finding is sent once per
 * call; a finding Security Hub refuses is reported in `failed`, not retried.
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
    for (const f of await readFindings(client, scope)) if (f.Id !== undefined) previous.set(f.Id, f);
  }
  const reopenedIds = new Set<string>();
  const active: AwsSecurityFinding[] = [...current.values()].map((f) => {
    const before = previous.get(f.Id);
    if (before?.RecordState === 'ARCHIVED') reopenedIds.add(f.Id);
    return {
      // AsffFinding is a readonly subset of AwsSecurityFinding.
      ...(f as unknown as AwsSecurityFinding),
      // The issue was first seen by an earlier run: keep that time.
      CreatedAt: before?.CreatedAt ?? f.CreatedAt,
      FirstObservedAt: before?.FirstObservedAt ?? before?.CreatedAt ?? f.FirstObservedAt,
      UpdatedAt: after(f.UpdatedAt, before?.UpdatedAt),
    };
  });
  const gone = [...previous.values()].filter(
    (f) => f.Id !== undefined && !current.has(f.Id) && (f.RecordState ?? 'ACTIVE') === 'ACTIVE',
  );
  const archived = gone.map((f) => resolve(f, now));

  const failed: FailedFinding[] = [];
  let batches = 0;
  for (const batch of chunks([...active, ...archived])) {
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
  const importFailed = new Set(failed.map((f) => f.Id));
  const ok = (f: AwsSecurityFinding) => f.Id !== undefined && !importFailed.has(f.Id);
  const resolved = archived.filter(ok);
  const reopened = active.filter((f) => ok(f) && reopenedIds.has(f.Id ?? ''));
  const resolvedWorkflow = await setWorkflow(client, resolved, 'RESOLVED');
  const reopenedWorkflow = await setWorkflow(client, reopened, 'NEW');
  failed.push(...resolvedWorkflow.failed, ...reopenedWorkflow.failed);
  const accepted = active.filter(ok);
  return {
    imported: accepted.filter((f) => f.Compliance?.Status === 'FAILED').length,
    notOpen: accepted.filter((f) => f.Compliance?.Status !== 'FAILED').length,
    archived: resolved.length,
    reopened: reopened.length,
    failed,
    batches,
    workflowBatches: resolvedWorkflow.calls + reopenedWorkflow.calls,
  };
}

/**
 * Sets the workflow of `findings` to `status` with BatchUpdateFindings, 100 at a time: the one way
 * to change `Workflow` of a finding that exists (BatchImportFindings ignores it then).
 */
async function setWorkflow(
  client: SecurityHubClient,
  findings: readonly AwsSecurityFinding[],
  status: WorkflowStatus,
): Promise<{ readonly calls: number; readonly failed: readonly FailedFinding[] }> {
  const failed: FailedFinding[] = [];
  let calls = 0;
  for (const batch of chunks(findings)) {
    calls++;
    const identifiers = batch.map((f) => ({ Id: f.Id, ProductArn: f.ProductArn }));
    const out = await callAws(
      'securityhub:BatchUpdateFindings',
      `(workflow ${status} for ${batch.length} findings)`,
      () =>
        client.send(
          new BatchUpdateFindingsCommand({ FindingIdentifiers: identifiers, Workflow: { Status: status } }),
        ),
    );
    for (const f of out.UnprocessedFindings ?? []) {
      failed.push({
        Id: f.FindingIdentifier?.Id ?? '',
        ErrorCode: f.ErrorCode ?? 'Unknown',
        ErrorMessage: `workflow ${status} not set: ${f.ErrorMessage ?? ''}`,
      });
    }
  }
  return { calls, failed };
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH_IMPORT_LIMIT) out.push(items.slice(i, i + BATCH_IMPORT_LIMIT));
  return out;
}

/**
 * `at`, or one millisecond after `before` when `at` is not later: Security Hub ignores an update whose
 * UpdatedAt is earlier than the stored one (a re-run with the same or an earlier `--now`).
 */
function after(at: string, before: string | undefined): string {
  if (before === undefined) return at;
  const previous = Date.parse(before);
  return Number.isNaN(previous) || Date.parse(at) > previous ? at : new Date(previous + 1).toISOString();
}

/**
 * Keywarden's findings of one account, active and archived, all pages. The filter is applied again
 * on what comes back, so an endpoint that ignores filters (moto does) cannot make us archive another
 * product's findings.
 */
async function readFindings(
  client: SecurityHubClient,
  scope: SecurityHubScope,
): Promise<AwsSecurityFinding[]> {
  const filters: AwsSecurityFindingFilters = {
    ProductArn: [{ Value: scope.productArn, Comparison: 'EQUALS' }],
    AwsAccountId: [{ Value: scope.accountId, Comparison: 'EQUALS' }],
    GeneratorId: [{ Value: ASFF_GENERATOR_PREFIX, Comparison: 'PREFIX' }],
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
        f.Id?.startsWith(ASFF_ID_PREFIX)
      ) {
        out.push(f);
      }
    }
    token = page.NextToken || undefined;
  } while (token !== undefined);
  return out;
}

/**
 * The finding as it was (the fields BatchImportFindings accepts), re-dated, PASSED and ARCHIVED: the
 * check now passes for its credential. The reasons of an earlier WARNING no longer apply.
 */
function resolve(f: AwsSecurityFinding, now: Date): AwsSecurityFinding {
  const { StatusReasons: _reasons, ...compliance } = f.Compliance ?? {};
  return {
    SchemaVersion: f.SchemaVersion,
    Id: f.Id,
    ProductArn: f.ProductArn,
    GeneratorId: f.GeneratorId,
    AwsAccountId: f.AwsAccountId,
    Types: f.Types,
    CreatedAt: f.CreatedAt,
    UpdatedAt: after(now.toISOString(), f.UpdatedAt),
    FirstObservedAt: f.FirstObservedAt,
    LastObservedAt: f.LastObservedAt,
    Severity: f.Severity,
    Title: f.Title,
    Description: f.Description,
    Remediation: f.Remediation,
    ProductFields: f.ProductFields,
    Resources: f.Resources,
    Compliance: { ...compliance, Status: 'PASSED' },
    RecordState: 'ARCHIVED',
  };
}
