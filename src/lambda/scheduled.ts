/**
 * The scheduled lifecycle (an EventBridge schedule, daily by default): audit, plan, apply within the
 * action cap, notify, with the journal. It first finishes any interrupted run, as
 * `keywarden apply --resume` does: in Lambda nobody is there to run it. Near the invocation's
 * timeout it starts no new change; the next run resumes. The sequence is runAccountLifecycle
 * (src/engine/account-lifecycle.ts), which the organization worker runs in each member account.
 */
import { z } from 'zod';
import { runScheduledLifecycle } from '../engine/account-lifecycle.js';
import { defineHandler } from './define-handler.js';
import { eventObject, shown } from './events.js';

/** An EventBridge scheduled event (or `{}`): only its shape is checked; nothing in it steers the run. */
const ScheduledEvent = eventObject(
  {
    'detail-type': z
      .literal('Scheduled Event', {
        error: (issue) => `must be "Scheduled Event" (got ${shown(issue.input)})`,
      })
      .optional(),
  },
  'a JSON object such as an EventBridge scheduled event',
);

export const createScheduledHandler = defineHandler('scheduled', ScheduledEvent, (_event, deps) =>
  runScheduledLifecycle(deps),
);

export const handler = createScheduledHandler();
