import pc from 'picocolors';
import type { ActionResult } from '../../core/plan/outcome.js';
import type { CannotUndo } from '../../core/plan/recovery.js';
import { DEFAULT_COLUMNS, fitRow } from './fit.js';

/**
 * One line per action result (fitted to `columns`, default 100), then totals; what `apply`,
 * `rotate` and `undo` print.
 */
export function renderResults(
  runId: string,
  results: readonly ActionResult[],
  options: { readonly color: boolean; readonly columns?: number },
): string {
  const c = pc.createColors(options.color);
  const width = options.columns ?? DEFAULT_COLUMNS;
  const paint = (status: ActionResult['status']) =>
    status === 'done' ? c.green : status === 'failed' ? c.red : status === 'skipped' ? c.yellow : c.dim;
  const lines = results.flatMap((r) => {
    const extra = r.newAccessKeyId
      ? ` → new key ${r.newAccessKeyId}${r.secretName ? ` in ${r.secretName}` : ''}`
      : '';
    const why = r.reason ? c.dim(` (${r.reason})`) : '';
    const subject = `${r.accountId}/${r.userName} ${r.accessKeyId ?? (r.type === 'notify' ? '' : 'console password')}`;
    return fitRow(
      '  ',
      [paint(r.status)(r.status.padEnd(8)), r.type.padEnd(20)],
      `${subject}${extra}${why}`,
      width,
      {
        separator: ' ',
      },
    );
  });
  const count = (s: ActionResult['status']) => results.filter((r) => r.status === s).length;
  lines.push(
    `run ${runId}: ${count('done')} done, ${count('skipped')} skipped, ${count('failed')} failed, ${count('deferred')} deferred`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * What an undo leaves as it is (a deleted key, a replacement key), one entry per action, fitted to
 * `columns`: each starts with `cannot undo` and its action type, so it can be grepped.
 */
export function renderCannotUndo(
  cannotUndo: readonly CannotUndo[],
  options: { readonly columns?: number },
): string {
  const width = options.columns ?? DEFAULT_COLUMNS;
  const typeWidth = Math.max(0, ...cannotUndo.map((c) => c.type.length));
  const lines = cannotUndo.flatMap((c) =>
    fitRow(
      '  ',
      ['cannot undo', c.type.padEnd(typeWidth)],
      `${c.accountId}/${c.userName}${c.accessKeyId === null ? '' : ` ${c.accessKeyId}`}: ${c.reason}`,
      width,
      { separator: ' ' },
    ),
  );
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
