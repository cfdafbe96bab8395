import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../../src/core/audit-account.js';
import type { Evaluation } from '../../src/core/audit-report.js';
import {
  changedUserEvaluation,
  configEvaluations,
  configRulePolicy,
  evaluationBatches,
  parseRuleParameters,
} from '../../src/core/config-rule.js';
import type { ChangedResource } from '../../src/core/config-rule-event.js';
import { ROOT_USER_NAME } from '../../src/core/model.js';
import { daysAgo, inventory, key, NOW, policy, root, user } from './builders.js';

const PARAMS = { rule: null, preset: null, maxAccessKeyAge: null, maxCredentialUsageAge: null };

function evaluation(overrides: Partial<Evaluation>): Evaluation {
  return {
    accountId: '111111111111',
    userName: 'alice',
    userId: 'AIDAALICE',
    rule: 'KEY_ROTATION',
    compliance: 'COMPLIANT',
    annotation: null,
    ...overrides,
  };
}

/** AWS's bound on an evaluation's Annotation. */
const MAX_ANNOTATION_LENGTH = 256;

/** The verdict Config gets for alice (AIDAALICE) when she changed, from the audit's `evaluations` of her. */
function verdictOfAlice(evaluations: readonly Evaluation[], rule: Evaluation['rule'] | null) {
  const changed: ChangedResource = {
    resourceType: 'AWS::IAM::User',
    resourceId: 'AIDAALICE',
    resourceName: 'alice',
    status: 'OK',
    capturedAt: NOW,
  };
  const { complianceType, annotation } = changedUserEvaluation(changed, evaluations, rule, {
    userName: 'alice',
    userId: 'AIDAALICE',
  });
  return { complianceType, annotation };
}

/** The Annotation Config gets for an evaluation whose text is `text`. */
const annotationText = (text: string | null) =>
  verdictOfAlice([evaluation({ annotation: text })], 'KEY_ROTATION').annotation;

describe('parseRuleParameters', () => {
  it('takes no parameters as every enabled rule', () => {
    expect(parseRuleParameters({})).toEqual({ value: PARAMS, errors: [], warnings: [] });
  });

  it('reads the managed rules parameter names, as strings the way Config sends them', () => {
    const { value } = parseRuleParameters({
      rule: 'KEY_ROTATION',
      preset: 'cis',
      maxAccessKeyAge: '45',
      maxCredentialUsageAge: 30,
    });

    expect(value).toEqual({
      rule: 'KEY_ROTATION',
      preset: 'cis',
      maxAccessKeyAge: 45,
      maxCredentialUsageAge: 30,
    });
  });

  it.each([
    ['1', 1],
    ['10000', 10_000],
  ])('accepts maxAccessKeyAge %s at the boundary', (raw, days) => {
    expect(parseRuleParameters({ maxAccessKeyAge: raw }).value?.maxAccessKeyAge).toBe(days);
  });

  it.each([
    [
      { maxAccessKeyAge: '0' },
      'ruleParameters.maxAccessKeyAge: must be a whole number of days from 1 to 10000 (got "0")',
    ],
    [{ maxAccessKeyAge: '10001' }, 'ruleParameters.maxAccessKeyAge: must be a whole number of days'],
    [{ maxCredentialUsageAge: '4.5' }, 'ruleParameters.maxCredentialUsageAge: must be a whole number'],
    [
      { rule: 'NOPE' },
      'ruleParameters.rule: must be one of KEY_ROTATION, UNUSED_CREDENTIALS, MULTIPLE_ACTIVE_KEYS, CONSOLE_WITHOUT_MFA, EXPOSED_ACCESS_KEY (got "NOPE")',
    ],
    [{ rule: 'ROOT_ACCESS_KEY' }, 'use the managed rule iam-root-access-key-check'],
    [
      { preset: 'strict' },
      'ruleParameters.preset: must be one of aws-config, cis, cis-3.0.0, cis-1.4.0, cis-1.2.0, rotation-165-180-185 (got "strict")',
    ],
    [
      { maxKeyAge: '90' },
      'ruleParameters.maxKeyAge: unknown parameter; use rule, preset, maxAccessKeyAge, maxCredentialUsageAge',
    ],
  ])('refuses %j, naming the parameter', (raw, message) => {
    const result = parseRuleParameters(raw);

    expect(result.value).toBeNull();
    expect(result.errors[0]).toContain(message);
  });
});

describe('configRulePolicy', () => {
  it('layers the thresholds over the file like the CLI flags', () => {
    const { value } = configRulePolicy(
      { version: 1 },
      { ...PARAMS, maxAccessKeyAge: 30, maxCredentialUsageAge: 60 },
      'f',
    );

    expect(value?.rules.KEY_ROTATION.maxKeyAgeDays).toBe(30);
    expect(value?.rules.UNUSED_CREDENTIALS.unusedDays).toBe(60);
  });

  it('judges the named rule alone, even one the file disables', () => {
    const file = { version: 1 as const, rules: { CONSOLE_WITHOUT_MFA: { enabled: false } } };

    const { value } = configRulePolicy(file, { ...PARAMS, rule: 'CONSOLE_WITHOUT_MFA' }, 'f');

    const enabled = Object.entries(value?.rules ?? {})
      .filter(([, r]) => r.enabled)
      .map(([id]) => id);
    expect(enabled).toEqual(['CONSOLE_WITHOUT_MFA']);
  });

  it('warns of a threshold for a rule the Config rule does not judge', () => {
    const { warnings } = configRulePolicy(
      undefined,
      { ...PARAMS, rule: 'KEY_ROTATION', maxCredentialUsageAge: 30 },
      'f',
    );

    expect(warnings).toEqual([
      'ruleParameters.maxCredentialUsageAge has no effect: this Config rule judges KEY_ROTATION only',
    ]);
  });

  it('applies the preset of the rule over the file', () => {
    expect(configRulePolicy(undefined, { ...PARAMS, preset: 'cis' }, 'f').value?.preset).toBe('cis');
  });
});

describe('the Annotation', () => {
  it('keeps a text of exactly 256 characters', () => {
    const text = 'a'.repeat(MAX_ANNOTATION_LENGTH);

    expect(annotationText(text)).toBe(text);
  });

  it('cuts a text of 257 characters to 256, ending with an ellipsis', () => {
    const out = annotationText(`${'a'.repeat(MAX_ANNOTATION_LENGTH)}b`);

    expect(out).toHaveLength(MAX_ANNOTATION_LENGTH);
    expect(out?.endsWith('…')).toBe(true);
  });

  it('flattens line breaks and gives null for nothing', () => {
    expect(annotationText('exempt:\n  reason')).toBe('exempt: reason');
    expect(annotationText('  ')).toBeNull();
    expect(annotationText(null)).toBeNull();
  });
});

describe('a user’s verdict', () => {
  const failing = evaluation({
    rule: 'KEY_ROTATION',
    compliance: 'NON_COMPLIANT',
    annotation: 'Active access key AKIAX is 120 days old (max 90)',
  });
  const unused = evaluation({
    rule: 'UNUSED_CREDENTIALS',
    compliance: 'NON_COMPLIANT',
    annotation: 'unused',
  });
  const exempt = evaluation({
    rule: 'MULTIPLE_ACTIVE_KEYS',
    compliance: 'COMPLIANT',
    annotation: 'exempt: vendor (tag keywarden:exempt)',
  });
  const plain = evaluation({ rule: 'CONSOLE_WITHOUT_MFA', compliance: 'COMPLIANT' });
  const na = evaluation({ rule: 'CONSOLE_WITHOUT_MFA', compliance: 'NOT_APPLICABLE' });

  it('without a rule, is NON_COMPLIANT when any rule is, naming the first and counting the rest', () => {
    expect(verdictOfAlice([plain, failing, unused], null)).toEqual({
      complianceType: 'NON_COMPLIANT',
      annotation: 'KEY_ROTATION: Active access key AKIAX is 120 days old (max 90) (+1 more rule)',
    });
  });

  it('without a rule, is COMPLIANT with the exemption named, else plainly', () => {
    expect(verdictOfAlice([plain, exempt], null)).toEqual({
      complianceType: 'COMPLIANT',
      annotation: 'MULTIPLE_ACTIVE_KEYS: exempt: vendor (tag keywarden:exempt)',
    });
    expect(verdictOfAlice([plain, na], null)).toEqual({ complianceType: 'COMPLIANT', annotation: null });
  });

  it('is NOT_APPLICABLE when no rule had anything to judge', () => {
    expect(verdictOfAlice([na], null)).toEqual({ complianceType: 'NOT_APPLICABLE', annotation: null });
    expect(verdictOfAlice([], null).complianceType).toBe('NOT_APPLICABLE');
  });

  it('with a rule, is that rule evaluation as it is', () => {
    expect(verdictOfAlice([failing, exempt], 'MULTIPLE_ACTIVE_KEYS')).toEqual({
      complianceType: 'COMPLIANT',
      annotation: 'exempt: vendor (tag keywarden:exempt)',
    });
    expect(verdictOfAlice([failing], 'UNUSED_CREDENTIALS').complianceType).toBe('NOT_APPLICABLE');
  });
});

describe('configEvaluations', () => {
  it('gives each IAM user one evaluation at the ordering time, and leaves the root user out', () => {
    // Prepare
    const audit = evaluateAccount(
      inventory({
        users: [
          user({
            userName: 'alice',
            accessKeys: [key({ accessKeyId: 'AKIAALICE', createDate: daysAgo(91) })],
          }),
          user({ userName: 'bob', accessKeys: [key({ accessKeyId: 'AKIABOB', createDate: daysAgo(90) })] }),
        ],
        root: root({
          accessKeys: [{ slot: 1, active: true, lastRotated: daysAgo(700), lastUsedDate: null }],
        }),
      }),
      policy(),
      NOW,
    );
    // Act
    const out = configEvaluations(audit.evaluations, null, NOW);
    // Assess
    expect(audit.evaluations.some((e) => e.userName === ROOT_USER_NAME)).toBe(true);
    expect(out.map((e) => [e.complianceResourceType, e.complianceResourceId, e.complianceType])).toEqual([
      ['AWS::IAM::User', 'AIDAALICE', 'NON_COMPLIANT'],
      ['AWS::IAM::User', 'AIDABOB', 'COMPLIANT'],
    ]);
    expect(out[0]?.annotation).toBe('KEY_ROTATION: Active access key AKIAALICE is 91 days old (max 90)');
    expect(new Set(out.map((e) => e.orderingTimestamp))).toEqual(new Set([NOW]));
  });
});

describe('changedUserEvaluation', () => {
  const resource: ChangedResource = {
    resourceType: 'AWS::IAM::User',
    resourceId: 'AIDAALICE',
    resourceName: 'alice',
    status: 'OK',
    capturedAt: daysAgo(1),
  };
  const failing = evaluation({ compliance: 'NON_COMPLIANT', annotation: 'old key' });

  it('judges the user the item is about, at the capture time', () => {
    expect(
      changedUserEvaluation(resource, [failing], null, { userName: 'alice', userId: 'AIDAALICE' }),
    ).toMatchObject({
      complianceResourceId: 'AIDAALICE',
      complianceType: 'NON_COMPLIANT',
      orderingTimestamp: daysAgo(1),
    });
  });

  it.each([
    ['a missing user', resource, null, 'IAM user alice no longer exists'],
    [
      'a name now worn by another id',
      resource,
      { userName: 'alice', userId: 'AIDANEW' },
      'now belongs to AIDANEW',
    ],
    ['another resource type', { ...resource, resourceType: 'AWS::IAM::Role' }, null, 'not an AWS::IAM::User'],
  ] as const)('gives %s NOT_APPLICABLE with the reason', (_case, changed, found, reason) => {
    const out = changedUserEvaluation(changed, [failing], null, found);

    expect(out.complianceType).toBe('NOT_APPLICABLE');
    expect(out.complianceResourceId).toBe('AIDAALICE');
    expect(out.annotation).toContain(reason);
  });
});

describe('evaluationBatches', () => {
  it.each([
    [0, []],
    [100, [100]],
    [101, [100, 1]],
    [250, [100, 100, 50]],
  ])('splits %i evaluations into calls of at most 100', (count, sizes) => {
    expect(evaluationBatches(Array.from({ length: count }, (_, i) => i)).map((b) => b.length)).toEqual(sizes);
  });
});
