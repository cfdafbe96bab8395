/**
 * AWS Config's remediation of one IAM user: an SSM Automation document calls this function
 * (`aws:invokeLambdaFunction`) with `{"ResourceId": "AIDA..."}`, the user's unique id. The user's
 * part of the plan is made from live state and carried out; Config retries a failed remediation,
 * and a second call for the same user does nothing new (the journal and the live re-checks see to it).
 */
import { remediateConfigResource } from '../engine/config-remediation.js';
import { defineHandler } from './define-handler.js';
import { eventObject, matching } from './events.js';

/**
 * An IAM user's unique id, as AWS Config names the resource: AWS's own pattern for ids (`[\w]+`,
 * 16 to 128 characters). AWS's start with AIDA; moto's are lower case, so the prefix is not required.
 */
const USER_ID = /^\w{16,128}$/;

const RemediateEvent = eventObject(
  {
    ResourceId: matching(
      USER_ID,
      'must be an IAM user id such as AIDAEXAMPLEUSERID0001',
      (id) => JSON.stringify(id) ?? 'nothing',
    ),
  },
  'a JSON object {"ResourceId": "AIDA..."}',
);

export const createRemediateHandler = defineHandler('remediate', RemediateEvent, (event, deps) =>
  remediateConfigResource(deps, event.ResourceId),
);

export const handler = createRemediateHandler();
