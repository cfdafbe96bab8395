/** The remediation plan for people: one line per action in apply order, then blocked, deferred and skipped. */
import pc from 'picocolors';
import type { Action, Plan } from '../../core/plan/types.js';

function subject(a: Action): string {
  switch (a.type) {
    case 'create-key':
    case 'store-secret':
      return `replaces ${a.replacesAccessKeyId} → ${a.secretName}`;
    case 'deactivate-key':
    case 'delete-key':
      return a.accessKeyId;
    case 'note-inactive':
      return `${a.accessKeyId} (journal only; deleted from ${a.deleteFrom.slice(0, 10)})`;
    case 'delete-login-profile':
      return 'console password';
    case 'notify':
      return `${a.accessKeyId ?? 'password'} → ${a.recipient ?? 'security team'}`;
  }
}

export function renderPlan(plan: Plan, options: { readonly color: boolean }): string {
  const c = pc.createColors(options.color);
  const lines: string[] = [];
  const changes = plan.actions.filter((a) => a.type !== 'notify').length;
  const notifications = plan.actions.length - changes;
  lines.push(
    c.bold(
      `Plan (${plan.mode}) at ${plan.generatedAt}: ${changes} change(s), ${notifications} notification(s), ` +
        `${plan.deferred.length} deferred, ${plan.blocked.length} blocked, ${plan.skipped.length} skipped`,
    ),
  );
  let lastUser = '';
  for (const a of plan.actions) {
    const user = `${a.accountId}/${a.userName}`;
    if (user !== lastUser) {
      lines.push(`  ${c.bold(user)}`);
      lastUser = user;
    }
    const type = a.type === 'notify' ? c.dim(a.type.padEnd(20)) : c.yellow(a.type.padEnd(20));
    lines.push(`    ${type} ${a.stage.padEnd(16)} ${subject(a)}`);
    lines.push(`    ${' '.repeat(20)} ${c.dim(a.reason)}`);
  }
  if (plan.blocked.length > 0) {
    lines.push(c.red('Blocked (someone has to act):'));
    for (const b of plan.blocked)
      lines.push(`  ${b.accountId}/${b.userName} ${b.accessKeyId ?? ''} ${b.reason}`);
  }
  if (plan.deferred.length > 0) {
    lines.push(c.yellow(`Deferred to a later run by the action cap: ${plan.deferred.length} action(s)`));
    for (const a of plan.deferred) lines.push(`  ${a.accountId}/${a.userName} ${a.type} ${a.stage}`);
  }
  if (plan.skipped.length > 0) {
    lines.push(c.cyan('Skipped (exempt or root):'));
    for (const s of plan.skipped) {
      const what = `${s.rule}${s.stage === null ? '' : `, ${s.stage}`}`;
      lines.push(`  ${s.accountId}/${s.userName} ${s.accessKeyId ?? s.credential} (${what}): ${s.reason}`);
    }
  }
  if (plan.actions.length === 0 && plan.blocked.length === 0) lines.push('Nothing to do.');
  return `${lines.join('\n')}\n`;
}
