/**
 * The organization run's first step (`org-accounts`): lists the organization's accounts with
 * Organizations (from the management account or a delegated administrator) and selects them with the
 * CLI's filters (`keywarden audit --org`): suspended and closing accounts are left out, then only
 * the accounts under KEYWARDEN_ORG_OUS (child OUs included), then KEYWARDEN_INCLUDE_ACCOUNTS, minus
 * KEYWARDEN_EXCLUDE_ACCOUNTS. An execution started by hand may give `ous`, `includeAccounts` or
 * `excludeAccounts` in its input instead. Returns the Map's items, one small object per account, and
 * the run id every later step names its objects with.
 */
import { listOrganizationAccounts, organizationsClient, PARENT_ID_PATTERN } from '../aws/organization.js';
import { ACCOUNT_ID_PATTERN, selectAccounts } from '../core/accounts.js';
import { ORG_ENV } from '../core/deployment.js';
import { newRunId } from '../journal/run-id.js';
import { HandlerConfigError } from './errors.js';
import type { HandlerDeps } from './handler-deps.js';
import type { AccountList } from './organization-run.js';

/** The filters an execution's input may set, as the CLI's --ous, --include-accounts, --exclude-accounts. */
const ORG_FILTER_FIELDS = {
  ous: { pattern: PARENT_ID_PATTERN, what: 'an OU id (ou-…) or root id (r-…)' },
  includeAccounts: { pattern: ACCOUNT_ID_PATTERN, what: 'a 12-digit account id' },
  excludeAccounts: { pattern: ACCOUNT_ID_PATTERN, what: 'a 12-digit account id' },
} as const;
export type OrgFilterField = keyof typeof ORG_FILTER_FIELDS;

/** The selection's inputs. */
interface OrgFilters {
  readonly ous: readonly string[];
  readonly include: readonly string[] | null;
  readonly exclude: readonly string[];
}

/** Each filter an execution's input gave (it replaces the variable's); null or absent: not given. */
export type GivenFilters = Partial<Record<OrgFilterField, readonly string[] | null>>;

/**
 * A filter's ids from a comma-separated string or a list of strings: null when empty or absent, or
 * the problem in words (the caller names the field or the variable).
 */
export function readIdList(
  raw: unknown,
  field: OrgFilterField,
): { readonly ids: readonly string[] | null } | { readonly problem: string } {
  if (raw === undefined || raw === null || raw === '') return { ids: null };
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : null;
  if (items === null || items.some((x) => typeof x !== 'string')) {
    return { problem: `must be a comma-separated string or a list of strings (got ${JSON.stringify(raw)})` };
  }
  const ids = (items as string[]).map((s) => s.trim()).filter((s) => s !== '');
  const { pattern, what } = ORG_FILTER_FIELDS[field];
  const bad = ids.find((id) => !pattern.test(id));
  if (bad !== undefined) return { problem: `${JSON.stringify(bad)} is not ${what}` };
  return { ids };
}

/** The filters of one invocation: each one `given` replaces the variable's; a bad variable is named. */
export function organizationFilters(env: NodeJS.ProcessEnv, given: GivenFilters): OrgFilters {
  const pick = (field: OrgFilterField) => {
    const fromEvent = given[field];
    if (fromEvent !== undefined && fromEvent !== null) return fromEvent;
    const variable = ORG_ENV[field];
    const read = readIdList(env[variable], field);
    if ('problem' in read) throw new HandlerConfigError(`${variable}: ${read.problem}`);
    return read.ids;
  };
  return {
    ous: pick('ous') ?? [],
    include: pick('includeAccounts'),
    exclude: pick('excludeAccounts') ?? [],
  };
}

export interface OrgAccountsResult extends AccountList {
  readonly handler: 'org-accounts';
}

/** Lists and selects the run's accounts, and names the run (on the service's clock). */
export async function listRunAccounts(deps: HandlerDeps, given: GivenFilters): Promise<OrgAccountsResult> {
  const { connected, log } = deps;
  const filters = organizationFilters(deps.env, given);
  await connected.calibrate();
  const runId = newRunId(connected.clock());
  const client = organizationsClient(deps.connection);
  let listed: Awaited<ReturnType<typeof listOrganizationAccounts>>;
  try {
    listed = await listOrganizationAccounts(client, filters.ous);
  } finally {
    client.destroy();
  }
  const selection = selectAccounts(listed, { include: filters.include, exclude: filters.exclude });
  const result: OrgAccountsResult = {
    handler: 'org-accounts',
    runId,
    accounts: selection.selected.map((a) => ({ accountId: a.id })),
    skipped: selection.skipped.map((s) => ({
      accountId: s.account.id,
      name: s.account.name,
      reason: s.reason,
    })),
  };
  log.info('accounts selected', {
    runId,
    listed: listed.length,
    selected: result.accounts.length,
    skipped: result.skipped.length,
  });
  return result;
}
