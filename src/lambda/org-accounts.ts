/**
 * `org-accounts`, the organization run's first step: lists the organization's accounts with
 * Organizations (from the management account or a delegated administrator) and selects them with the
 * CLI's filters (`keywarden audit --org`): suspended and closing accounts are left out, then only
 * the accounts under KEYWARDEN_ORG_OUS (child OUs included), then KEYWARDEN_INCLUDE_ACCOUNTS, minus
 * KEYWARDEN_EXCLUDE_ACCOUNTS. An execution started by hand may give `ous`, `includeAccounts` or
 * `excludeAccounts` in its input instead (lists or comma-separated). Returns the Map's items, one small
 * object per account, and the run id every later step names its objects with.
 */

import { listOrganizationAccounts, organizationsClient, PARENT_ID_PATTERN } from '../aws/organization.js';
import { ACCOUNT_ID_PATTERN, selectAccounts } from '../core/accounts.js';
import { ORG_ENV } from '../core/deployment.js';
import { newRunId } from '../journal/run-id.js';
import { type AccountList, eventObject } from './org-common.js';
import {
  errorFields,
  HandlerConfigError,
  HandlerEventError,
  handlerRuntime,
  type LambdaContext,
  type RuntimeOptions,
} from './runtime.js';

/** The selection's inputs, as the CLI's --ous, --include-accounts and --exclude-accounts. */
export interface OrgFilters {
  readonly ous: readonly string[];
  readonly include: readonly string[] | null;
  readonly exclude: readonly string[];
}

const ACCOUNT_ID = 'a 12-digit account id';
const PARENT_ID = 'an OU id (ou-…) or root id (r-…)';

/** A list from a comma-separated string or a JSON array of strings; `fail` names the source. */
function idList(
  raw: unknown,
  pattern: RegExp,
  what: string,
  fail: (problem: string) => Error,
): string[] | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : null;
  if (items === null || items.some((x) => typeof x !== 'string')) {
    throw fail(`must be a comma-separated string or a list of strings (got ${JSON.stringify(raw)})`);
  }
  const ids = (items as string[]).map((s) => s.trim()).filter((s) => s !== '');
  const bad = ids.find((id) => !pattern.test(id));
  if (bad !== undefined) throw fail(`${JSON.stringify(bad)} is not ${what}`);
  return ids;
}

/**
 * The filters of one invocation: each one the event gives replaces the variable's. Every mistake is
 * one line naming the variable or the event field.
 */
export function orgFilters(env: NodeJS.ProcessEnv, event: Record<string, unknown>): OrgFilters {
  const pick = (field: 'ous' | 'includeAccounts' | 'excludeAccounts', pattern: RegExp, what: string) => {
    const variable = ORG_ENV[field];
    const fromEvent = idList(event[field], pattern, what, (p) => new HandlerEventError(field, p));
    if (fromEvent !== null) return fromEvent;
    return idList(env[variable], pattern, what, (p) => new HandlerConfigError(`${variable}: ${p}`));
  };
  return {
    ous: pick('ous', PARENT_ID_PATTERN, PARENT_ID) ?? [],
    include: pick('includeAccounts', ACCOUNT_ID_PATTERN, ACCOUNT_ID),
    exclude: pick('excludeAccounts', ACCOUNT_ID_PATTERN, ACCOUNT_ID) ?? [],
  };
}

export interface OrgAccountsResult extends AccountList {
  readonly handler: 'org-accounts';
}

export function createOrgAccountsHandler(options: RuntimeOptions = {}) {
  const runtime = handlerRuntime(options);
  return async (event: unknown, context?: LambdaContext): Promise<OrgAccountsResult> => {
    const input = eventObject(event, 'an EventBridge scheduled event or {"ous": ["ou-…"]}');
    const { env, connection, logger, connected } = runtime(context, 'org-accounts');
    const filters = orgFilters(env, input);
    try {
      await connected.calibrate();
      const runId = newRunId(connected.clock());
      const client = organizationsClient(connection);
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
      logger.info('accounts selected', {
        runId,
        listed: listed.length,
        selected: result.accounts.length,
        skipped: result.skipped.length,
      });
      return result;
    } catch (error) {
      logger.error('listing the accounts failed', errorFields(error));
      throw error;
    }
  };
}

export const handler = createOrgAccountsHandler();
