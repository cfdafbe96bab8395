/**
 * `keywarden` as a real process whose journal kills it (SIGKILL) right after the outcome of the
 * action named by KEYWARDEN_TEST_CRASH_AFTER — the crash hook lives here, not in what ships.
 * Run with `node --import tsx test/support/crash-cli.ts <args>`.
 */

import { processIO } from '../../src/cli/io.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { main } from '../../src/cli/main.js';
import { openJournal } from '../../src/journal/open.js';
import { crashingJournal } from './crash-journal.js';

const target = process.env.KEYWARDEN_TEST_CRASH_AFTER ?? '';
const kill = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL was sent');
};
const code = await main(process.argv.slice(2), processIO(), {
  openJournal: (spec, options) =>
    target === '' ? openJournal(spec, options) : crashingJournal(openJournal(spec, options), target, kill),
});
process.exitCode = code;
