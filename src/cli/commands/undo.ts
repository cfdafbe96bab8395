import type { Command } from 'commander';
import { undoRun } from '../../engine/undo.js';
import { CliError } from '../errors.js';
import type { CliIO } from '../io.js';
import { addRemediationOptions, type RemediationFlags, remediationContext } from '../remediation.js';
import { renderResults } from '../render/results.js';
import type { Session } from '../session.js';

interface UndoFlags extends RemediationFlags {
  readonly yes?: boolean;
}

export function registerUndo(
  program: Command,
  io: CliIO,
  session: Session,
  setExitCode: (code: number) => void,
): void {
  const command = program
    .command('undo')
    .argument('<run-id>', 'the run to undo (see keywarden history)')
    .description('Reactivate the keys a run deactivated (if they still exist); list what cannot be undone')
    .option('--yes', 'undo without asking');
  addRemediationOptions(command, { whatIf: false }).addHelpText(
    'after',
    `
Deleted keys and deleted console passwords cannot be restored; undo lists them.

Examples:
  $ keywarden history
  $ keywarden undo 2026-11-22T12-00-00Z-1a2b3c --yes`,
  );
  command.action(async (runId: string, flags: UndoFlags) => {
    if (!/^[\w.:-]+$/.test(runId))
      throw new CliError(`<run-id>: not a run id (got ${JSON.stringify(runId)})`);
    const ctx = remediationContext(flags, io, session, { changesAws: true });
    try {
      const out = await undoRun(await ctx.deps({ notify: false }), runId, {
        confirm: async () =>
          flags.yes === true || (io.confirm !== undefined && (await io.confirm(`Undo run ${runId}?`))),
      });
      if (out.kind === 'declined') {
        io.stderr.write('keywarden: dry run: nothing changed (pass --yes to undo)\n');
        return;
      }
      io.stdout.write(
        renderResults(out.runId, out.results, { color: !!io.stdout.isTTY && !io.env.NO_COLOR }),
      );
      for (const c of out.cannotUndo) io.stdout.write(`  cannot undo ${c.actionId}: ${c.reason}\n`);
      setExitCode(out.results.some((r) => r.status === 'failed') ? 1 : 0);
    } finally {
      ctx.close();
    }
  });
}
