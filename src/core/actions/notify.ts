/** notify: a message to the key's owner, delivered by the notification channels. */
import * as z from 'zod';
import { isoOrNull, plannedAction } from './action.js';

/** A message to the key's owner; always the last action of its chain. */
export const notify = plannedAction({
  type: 'notify',
  fields: {
    /** Null for a console-password notification. */
    accessKeyId: z.string().nullable(),
    /** The owner tag's value; null = the security team. */
    recipient: z.string().nullable(),
    /** What happened (or, for `warn`, what is about to). */
    happened: z.string(),
    /** What the owner must do. */
    ownerAction: z.string(),
    /** ISO timestamp by which the owner must act; null when there is no deadline. */
    dueDate: isoOrNull,
    /** Where the new key can be fetched; set for the `rotate` stage only. */
    secretName: z.string().nullable(),
  },
  // Each channel declares its own (src/channels/permissions.ts).
  permissions: [],
  changesAws: false,
  rank: () => 6,
  accessKeyId: (a) => a.accessKeyId,
  summary: (a) => `${a.accessKeyId ?? 'password'} → ${a.recipient ?? 'security team'}`,
  undo: () => ({ kind: 'nothing' }),
});
