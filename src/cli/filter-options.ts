/**
 * `--rule`, `--severity` and `--user` on `audit`, `plan` and `forecast`: the flags, parsed into the
 * core's {@link FindingFilter} before any AWS call, and the line that says what they left out.
 */
import type { Command } from 'commander';
import {
  type AppliedFilter,
  describeFilter,
  type FindingFilter,
  isEmptyFilter,
  type PlanFilteredOut,
} from '../core/finding-filter.js';
import { RULE_IDS, type RuleId } from '../core/rules/registry.js';
import { SEVERITIES } from '../core/rules/types.js';
import { CliError, parseChoice } from './errors.js';

export interface FilterFlags {
  readonly rule?: readonly string[];
  readonly severity?: string;
  readonly user?: readonly string[];
}

/** A repeatable flag's values (no default, so help shows none). */
const collect = (value: string, previous: readonly string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** Adds the three filter flags; `what` names what they filter (findings, actions, entries). */
export function addFilterOptions(command: Command, what: string): Command {
  return command
    .option(
      '--rule <id>',
      `only ${what} of this rule (repeatable, or comma-separated): ${RULE_IDS.join(', ')}`,
      collect,
    )
    .option('--severity <level>', `only ${what} of this severity or worse: ${SEVERITIES.join(', ')}`)
    .option(
      '--user <name-or-glob>',
      `only ${what} of users matching this name or glob, case-insensitively (repeatable)`,
      collect,
    );
}

/** The filter the flags give, or null when none is given; a bad value is one line naming the flag. */
export function parseFilter(flags: FilterFlags): FindingFilter | null {
  const rules: RuleId[] = [];
  for (const raw of (flags.rule ?? []).flatMap((r) => r.split(','))) {
    const id = parseChoice('--rule', raw.trim(), RULE_IDS);
    if (!rules.includes(id)) rules.push(id);
  }
  const severity =
    flags.severity === undefined ? null : parseChoice('--severity', flags.severity, SEVERITIES);
  const users = flags.user ?? [];
  for (const user of users) {
    if (user.trim() === '') throw new CliError('--user: must be a user name or glob such as ci-* (got "")');
  }
  const filter: FindingFilter = { rules, severity, users: [...users] };
  return isEmptyFilter(filter) ? null : filter;
}

/** The word for findings, one and many. */
export const FINDINGS = ['finding', 'findings'] as const;

/** `12 findings filtered out by --severity high` (said even at 0: the reader knows a filter ran). */
export function filteredOutLine(
  filter: FindingFilter,
  count: number,
  what: readonly [string, string],
): string {
  return `${count} ${count === 1 ? what[0] : what[1]} filtered out by ${describeFilter(filter)}`;
}

/** What a filter left out of a plan, in one line: `3 actions, 1 blocked filtered out by --user alice`. */
export function planFilterLine(applied: AppliedFilter<PlanFilteredOut>): string {
  const { actions, deferred, blocked, skipped } = applied.filteredOut;
  const parts = [
    `${actions} ${actions === 1 ? 'action' : 'actions'}`,
    ...(deferred > 0 ? [`${deferred} deferred`] : []),
    ...(blocked > 0 ? [`${blocked} blocked`] : []),
    ...(skipped > 0 ? [`${skipped} skipped`] : []),
  ];
  return `${parts.join(', ')} filtered out by ${describeFilter(applied)}`;
}
