/**
 * `org-worker`, one item of the organization run's Distributed Map: one account, worked on through
 * the member role with the scheduled lifecycle, its report written to the report bucket
 * (src/engine/organization-worker.ts). A failure in the account is caught and reported; only a bad
 * event or a report it cannot write fails the invocation.
 */
import { runOrganizationWorker } from '../engine/organization-worker.js';
import { defineHandler } from './define-handler.js';
import { AccountId, eventObject, RunId } from './events.js';

const OrgWorkerEvent = eventObject(
  { accountId: AccountId, runId: RunId },
  'a JSON object such as {"accountId": "123456789012", "runId": "…"}',
);

export const createOrgWorkerHandler = defineHandler('org-worker', OrgWorkerEvent, (item, deps) =>
  runOrganizationWorker(deps, item),
);

export const handler = createOrgWorkerHandler();
