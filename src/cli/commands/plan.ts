import type { Command } from 'commander';
import { filterPlan } from '../../core/finding-filter.js';
import { planRemediation } from '../../engine/plan.js';
import { type AccountFlags, addAccountOptions, parseAccountTarget } from '../accounts.js';
import { CliError, parseNow } from '../errors.js';
import { addFilterOptions, type FilterFlags, parseFilter, planFilterLine } from '../filter-options.js';
import { type CliIO, outputColumns } from '../io.js';
import { inManyAccounts, multiAccountPlan } from '../multi-remediation.js';
import { nowBeforeDataWarning } from '../now-warning.js';
import { writeOutputFile } from '../output-file.js';
import { chooseFormat } from '../output-format.js';
import {
  addRemediationOptions,
  progressLine,
  type RemediationFlags,
  remediationContext,
  warn,
} from '../remediation.js';
import { planWarnings, renderPlan } from '../render/plan.js';
import type { Session } from '../session.js';

interface PlanFlags extends RemediationFlags, AccountFlags, FilterFlags {
  readonly format?: string;
  readonly output?: string;
}

const FORMATS = ['table', 'json'] as const;
const FORMAT_BY_EXTENSION = { '.json': 'json' } as const;

export function registerPlan(
  program: Command,
  io: CliIO,
  session: Session,
  setExitCode: (code: number) => void,
): void {
  const command = program
    .command('plan')
    .description(
      'Show what remediation would change (rotate, deactivate, delete, revoke, notify); changes nothing',
    )
    .option(
      '-f, --format <format>',
      'table or json (default: from the --output extension, else table on a terminal, json otherwise)',
    )
    .option('-o, --output <file>', 'write the plan to a file (.json, else name the format with --format)');
  addFilterOptions(command, 'actions');
  addAccountOptions(addRemediationOptions(command, { whatIf: true })).addHelpText(
    'after',
    `
Examples:
  $ keywarden plan
  $ keywarden plan --preset aws-config            # exactly the AWS runbook: revoke unused credentials
  $ keywarden plan --preset rotation-165-180-185 --format json --output plan.json
  $ keywarden plan --now 2027-03-01T00:00:00Z      # what would happen then
  $ keywarden plan --org --max-actions 100 --format json   # every account; the cap is for the whole run
  $ keywarden plan --user 'ci-*' --severity medium          # what apply would do to these users

Filters (--rule, --severity, --user) show part of the plan apply would carry out: whole chains of
the rules and users they match, as planned and capped for every user (a filtered user's actions may
be deferred by the cap). apply takes no filter and no plan file: it plans again and acts on every user.

Many accounts (--org, --accounts): one section (table) or one entry (json) per account as it
finishes; --max-actions caps the whole run; an account that fails is reported and exits 3.`,
  );
  command.action(async (flags: PlanFlags) => {
    const format = chooseFormat(
      flags,
      { cwd: io.cwd, interactive: !!io.stdout.isTTY },
      FORMATS,
      FORMAT_BY_EXTENSION,
    );
    const filter = parseFilter(flags);
    const target = parseAccountTarget(flags);
    if (target.kind === 'many' && flags.output !== undefined) {
      throw new CliError('--output: not with --org or --accounts (the plans stream to stdout)');
    }
    const ctx = remediationContext(flags, io, session, { changesAws: false });
    if (target.kind === 'many') {
      const now = flags.now === undefined ? null : parseNow(flags.now);
      setExitCode(
        await inManyAccounts(io, session, flags, ctx, (base) =>
          multiAccountPlan(io, session, { ...base, target, now, format, filter }),
        ),
      );
      return;
    }
    const progress = progressLine(io);
    try {
      warn(io, ctx.warnings);
      const deps = { ...(await ctx.deps({ notify: false })), onProgress: progress.update };
      const planned = await planRemediation(deps, ctx.policy, { maxActions: ctx.maxActions });
      const { nowBeforeData } = planned;
      const filtered = filter === null ? null : filterPlan(planned.plan, filter);
      const plan = filtered?.plan ?? planned.plan;
      const applied =
        filter === null || filtered === null ? null : { ...filter, filteredOut: filtered.filteredOut };
      progress.done();
      warn(io, planWarnings(plan, planned.warnings));
      if (flags.now !== undefined && nowBeforeData !== null) {
        warn(io, [nowBeforeDataWarning(deps.clock(), nowBeforeData)]);
      }
      const text =
        format === 'json'
          ? // `filter` is null when none was given, as in the audit's JSON.
            `${JSON.stringify({ ...plan, filter: applied }, null, 2)}\n`
          : (flags.output === undefined
              ? renderPlan(plan, { color: !!io.stdout.isTTY && !io.env.NO_COLOR, columns: outputColumns(io) })
              : renderPlan(plan, { color: false })) +
            (applied === null ? '' : `${planFilterLine(applied)}\n`);
      if (flags.output !== undefined) writeOutputFile('--output', io.cwd, flags.output, text);
      else io.stdout.write(text);
    } finally {
      progress.done();
      ctx.close();
    }
  });
}
