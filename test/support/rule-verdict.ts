/** Test support: a rule's outcome as the one word a table-driven rule test compares. */
import type { RuleOutcome } from '../../src/core/rules/types.js';

export type Verdict = 'compliant' | 'non-compliant' | 'not-applicable';

/** `not-applicable`, `non-compliant` when the rule found any violation, else `compliant`. */
export function verdict(outcome: RuleOutcome): Verdict {
  if (outcome.kind === 'not-applicable') return 'not-applicable';
  return outcome.violations.length > 0 ? 'non-compliant' : 'compliant';
}
