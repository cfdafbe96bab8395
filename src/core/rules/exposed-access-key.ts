import { daysBetween } from '../days.js';
import { keyIdNote, keyLabel, NOT_APPLICABLE, verdict } from './shared.js';
import { userRule, type Violation } from './types.js';

/**
 * The AWS managed policies AWS attaches to an IAM user when it finds one of the user's access keys in
 * public (e.g. a public repository); V2 and V3 succeeded the first, and any of them may be attached.
 */
const QUARANTINE_POLICY_ARNS: readonly string[] = [
  'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantine',
  'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2',
  'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3',
];

/** AWS's account of how it responds to exposed credentials and what the account owner should do. */
const AWS_GUIDANCE_URL =
  'https://repost.aws/articles/ARoBXj63rWSt2Ww7XKlVV72g/how-aws-responds-to-exposed-credentials-and-how-you-can-protect-your-account';

/**
 * A user AWS has quarantined: one of its keys was found in public. Severity critical and never
 * exempt, like the root key: the key is known to an attacker. One finding per active key (AWS's
 * notice names the exposed one; the inventory cannot tell which, and any of them may be in use by
 * the attacker), or one for the user when no key is active any more: the policy is still there for
 * a person to review. A user with neither the policy nor any access key is NOT_APPLICABLE. Reported
 * only: Keywarden never removes the quarantine policy, a person does after review.
 */
export const exposedAccessKey = userRule({
  id: 'EXPOSED_ACCESS_KEY',
  title: 'Access key exposed (AWS quarantine policy attached)',
  severity: 'critical',
  description: 'AWS attached its AWSCompromisedKeyQuarantine policy (any version) to the user. Never exempt.',
  recommendation:
    "Deactivate the user's active access keys now, review what they did in CloudTrail and follow AWS's support case; remove the quarantine policy only after that review.",
  // No CIS, Security Hub or AWS Config control checks for the quarantine policy.
  params: {},
  defaults: { enabled: true },
  neverExempt: true,
  // Report mode has the attached policies with the users' details; live mode lists them per user.
  inventory: ['attached-policies'],
  evaluateUser(user, _settings, now) {
    const attached = user.attachedPolicyArns.filter((arn) => QUARANTINE_POLICY_ARNS.includes(arn));
    // A user with no key and no quarantine has nothing that could have been exposed.
    if (attached.length === 0) return user.accessKeys.length === 0 ? NOT_APPLICABLE : verdict(undefined);
    const names = attached.map((arn) => arn.slice(arn.lastIndexOf('/') + 1)).join(', ');
    const review = `Keywarden never removes that policy; a person decides after review (${AWS_GUIDANCE_URL})`;
    const violations: Violation[] = [];
    for (const key of user.accessKeys) {
      if (key.status !== 'Active') continue;
      violations.push({
        credential: 'access-key',
        key,
        rootKeySlot: null,
        ageDays: daysBetween(key.createDate, now),
        lastUsedDaysAgo: key.lastUsedDate === null ? null : daysBetween(key.lastUsedDate, now),
        text:
          `Access key ${keyLabel(key)} is active while AWS has quarantined the user (${names} attached: ` +
          `a key of the user was found in public)${keyIdNote(key)}. ${review}`,
      });
    }
    if (violations.length === 0) {
      violations.push({
        credential: 'user',
        key: null,
        rootKeySlot: null,
        ageDays: null,
        lastUsedDaysAgo: null,
        text: `AWS has quarantined the user (${names} attached) and no access key of it is active. ${review}`,
      });
    }
    return verdict(violations);
  },
});
