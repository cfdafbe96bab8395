/**
 * `org-accounts`, the organization run's first step: lists the organization's accounts and selects
 * them with the CLI's filters (src/engine/organization-accounts.ts). An execution started by hand may
 * give `ous`, `includeAccounts` or `excludeAccounts` in its input (lists or comma-separated), which
 * replace KEYWARDEN_ORG_OUS, KEYWARDEN_INCLUDE_ACCOUNTS and KEYWARDEN_EXCLUDE_ACCOUNTS for that run.
 */
import { z } from 'zod';
import { listRunAccounts, type OrgFilterField, readIdList } from '../engine/organization-accounts.js';
import { defineHandler } from './define-handler.js';
import { eventObject } from './events.js';

/** One filter of the input: a list or a comma-separated string of ids; absent or empty: not given. */
const filter = (field: OrgFilterField) =>
  z
    .unknown()
    .transform((raw, ctx) => {
      const read = readIdList(raw, field);
      if ('ids' in read) return read.ids;
      ctx.addIssue({ code: 'custom', message: read.problem, input: raw });
      return z.NEVER;
    })
    .optional();

/** The execution's input: the EventBridge scheduled event (its fields are ignored), or the filters. */
export const OrgAccountsEvent = eventObject(
  {
    ous: filter('ous'),
    includeAccounts: filter('includeAccounts'),
    excludeAccounts: filter('excludeAccounts'),
  },
  'a JSON object such as an EventBridge scheduled event or {"ous": ["ou-…"]}',
);

export const createOrgAccountsHandler = defineHandler('org-accounts', OrgAccountsEvent, (event, deps) =>
  listRunAccounts(deps, event),
);

export const handler = createOrgAccountsHandler();
