/**
 * `org-report`, the organization run's last step: the run's account reports folded into the
 * organization report, written beside them, and the digest published
 * (src/engine/organization-report.ts). Its input is the state the Map leaves (org-accounts' result).
 */
import { z } from 'zod';
import { reportOrganizationRun } from '../engine/organization-report.js';
import type { SkippedAccount } from '../engine/organization-run.js';
import { defineHandler } from './define-handler.js';
import { AccountId, eventObject, RunId, shown } from './events.js';

/** One account of the list; whatever an item is, its `accountId` is what is named when wrong. */
const AccountItem = z.preprocess(
  (item) => (item !== null && typeof item === 'object' && !Array.isArray(item) ? item : {}),
  z.object({ accountId: AccountId }),
);

const OrgReportEvent = eventObject(
  {
    runId: RunId,
    accounts: z.array(AccountItem, {
      error: (issue) => `must be the list org-accounts returned (got ${shown(issue.input)})`,
    }),
    // Reported as org-accounts gave it; anything but a list is no skipped account.
    skipped: z
      .unknown()
      .optional()
      .transform((raw) => (Array.isArray(raw) ? (raw as SkippedAccount[]) : [])),
  },
  'a JSON object such as org-accounts\' result {"runId": "…", "accounts": [{"accountId": "…"}]}',
);

export const createOrgReportHandler = defineHandler('org-report', OrgReportEvent, (state, deps) =>
  reportOrganizationRun(deps, state),
);

export const handler = createOrgReportHandler();
