/**
 * Notifications as an entry point sets them up: whether the policy's channels can work at all
 * (said before a run counts on them), and the notifier a run delivers through.
 */
export { channelProblems } from '../channels/check.js';
export { createNotifier } from '../channels/notifier.js';
