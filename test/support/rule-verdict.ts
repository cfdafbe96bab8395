/** Test support: a rule's verdict as the one word a table-driven rule test compares. */
import type { RuleVerdict } from '../../src/core/rules/types.js';

export type Verdict = 'compliant' | 'non-compliant' | 'not-applicable';

/** `not-applicable`, `non-compliant` when the rule found any violation, else `compliant`. */
export function verdict(result: RuleVerdict): Verdict {
  if (result.kind === 'not-applicable') return 'not-applicable';
  return result.violations.length > 0 ? 'non-compliant' : 'compliant';
}
