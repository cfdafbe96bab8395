import type { RuleId } from '../policy.js';
import { RULE_IDS } from '../policy.js';
import { consoleWithoutMfa } from './console-without-mfa.js';
import { keyRotation } from './key-rotation.js';
import { multipleActiveKeys } from './multiple-active-keys.js';
import { rootAccessKey } from './root-access-key.js';
import type { Rule } from './types.js';
import { unusedCredentials } from './unused-credentials.js';

/**
 * One line per rule. Keyed by id so the compiler rejects a rule id without a rule. Adding a rule
 * touches its file, this map, RULE_IDS, its tests and the example policy.
 */
export const RULES_BY_ID: Readonly<Record<RuleId, Rule>> = {
  KEY_ROTATION: keyRotation,
  UNUSED_CREDENTIALS: unusedCredentials,
  MULTIPLE_ACTIVE_KEYS: multipleActiveKeys,
  ROOT_ACCESS_KEY: rootAccessKey,
  CONSOLE_WITHOUT_MFA: consoleWithoutMfa,
};

/** Every rule, in report order. */
export const RULES: readonly Rule[] = RULE_IDS.map((id) => RULES_BY_ID[id]);
