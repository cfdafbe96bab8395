import pc from 'picocolors';
import type { ActionResult } from '../../aws/apply/types.js';

/** One line per action result, then totals; what `apply`, `rotate` and `undo` print. */
export function renderResults(
  runId: string,
  results: readonly ActionResult[],
  options: { color: boolean },
): string {
  const c = pc.createColors(options.color);
  const paint = (status: ActionResult['status']) =>
    status === 'done' ? c.green : status === 'failed' ? c.red : status === 'skipped' ? c.yellow : c.dim;
  const lines = results.map((r) => {
    const extra = r.newAccessKeyId
      ? ` → new key ${r.newAccessKeyId}${r.secretName ? ` in ${r.secretName}` : ''}`
      : '';
    const why = r.reason ? c.dim(` (${r.reason})`) : '';
    return `  ${paint(r.status)(r.status.padEnd(8))} ${r.type.padEnd(20)} ${r.accountId}/${r.userName} ${r.accessKeyId ?? (r.type === 'notify' ? '' : 'console password')}${extra}${why}`;
  });
  const count = (s: ActionResult['status']) => results.filter((r) => r.status === s).length;
  lines.push(
    `run ${runId}: ${count('done')} done, ${count('skipped')} skipped, ${count('failed')} failed, ${count('deferred')} deferred`,
  );
  return `${lines.join('\n')}\n`;
}
