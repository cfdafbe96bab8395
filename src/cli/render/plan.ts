/** The remediation plan for people: one line per action in apply order, then blocked, deferred and skipped. */
import pc from 'picocolors';
import { actionSummary } from '../../core/actions/registry.js';
import { type Action, changesAws, type Plan } from '../../core/plan/types.js';
import { DEFAULT_COLUMNS, fitRow } from './fit.js';

function subject(a: Action, noChannel: boolean): string {
  const what = actionSummary(a);
  return a.type === 'notify' && noChannel ? `${what} (not sent: no channel)` : what;
}

/**
 * `columns`: the width lines are fitted to (the terminal's); default 100. Warnings are not part of
 * it: commands write them on stderr ({@link planWarnings}), in every format.
 */
export function renderPlan(
  plan: Plan,
  options: { readonly color: boolean; readonly columns?: number },
): string {
  const c = pc.createColors(options.color);
  const width = options.columns ?? DEFAULT_COLUMNS;
  const lines: string[] = [];
  const item = (text: string) => lines.push(...fitRow('  ', [], text, width, { hang: '    ' }));
  const notifications = plan.actions.filter((a) => a.type === 'notify').length;
  const changes = plan.actions.filter(changesAws).length;
  // The header breaks only between its counts.
  const header = [
    `Plan (${plan.mode}) at ${plan.generatedAt}:`,
    `${changes} change(s),`,
    `${notifications} notification(s),`,
    `${plan.deferred.length} deferred,`,
    `${plan.blocked.length} blocked,`,
    `${plan.skipped.length} skipped`,
  ].map((part) => c.bold(part));
  lines.push(...fitRow('', header, null, width, { separator: ' ', hang: '  ' }));
  let lastUser = '';
  for (const a of plan.actions) {
    const user = `${a.accountId}/${a.userName}`;
    if (user !== lastUser) {
      lines.push(...fitRow('  ', [], c.bold(user), width));
      lastUser = user;
    }
    const type = a.type === 'notify' ? c.dim(a.type.padEnd(20)) : c.yellow(a.type.padEnd(20));
    lines.push(
      ...fitRow('    ', [type, a.stage.padEnd(16)], subject(a, plan.channels.length === 0), width, {
        separator: ' ',
      }),
    );
    // The reason goes under the stage column: a blank cell as wide as the type column.
    lines.push(...fitRow('    ', [' '.repeat(20)], c.dim(a.reason), width, { separator: ' ' }));
  }
  if (plan.blocked.length > 0) {
    lines.push(c.red('Blocked (someone has to act):'));
    for (const b of plan.blocked) item(`${b.accountId}/${b.userName} ${b.accessKeyId ?? ''} ${b.reason}`);
  }
  if (plan.deferred.length > 0) {
    lines.push(c.yellow(`Deferred to a later run by the action cap: ${plan.deferred.length} action(s)`));
    for (const a of plan.deferred) item(`${a.accountId}/${a.userName} ${a.type} ${a.stage}`);
  }
  if (plan.skipped.length > 0) {
    lines.push(c.cyan('Skipped (exempt or root):'));
    for (const s of plan.skipped) {
      const what = `${s.rule}${s.stage === null ? '' : `, ${s.stage}`}`;
      item(`${s.accountId}/${s.userName} ${s.accessKeyId ?? s.credential} (${what}): ${s.reason}`);
    }
  }
  if (plan.actions.length === 0 && plan.blocked.length === 0) lines.push('Nothing to do.');
  return `${lines.join('\n')}\n`;
}

/** One line when the plan has notices and the policy no channel to carry them; null otherwise. */
function noChannelWarning(plan: Plan): string | null {
  const notices = plan.actions.filter((a) => a.type === 'notify').length;
  if (notices === 0 || plan.channels.length > 0) return null;
  return (
    `${notices} notice(s) are planned but the policy configures no notification channel, so none will be ` +
    'sent; set notifications.sns, .slack or .email (they are sent once one is)'
  );
}

/** What a command warns on stderr with a plan: what reading for it found, and notices no channel carries. */
export function planWarnings(plan: Plan, warnings: readonly string[]): string[] {
  const unsent = noChannelWarning(plan);
  return unsent === null ? [...warnings] : [...warnings, unsent];
}
