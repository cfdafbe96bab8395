import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_YAML } from '../../src/core/policy/init-text.js';
import { parsePolicy, parsePolicyFile, resolvePolicy } from '../../src/core/policy/resolve.js';
import { DEFAULT_POLICY, PRESET_NAMES } from '../../src/core/policy/types.js';
import { RULE_IDS } from '../../src/core/rules/registry.js';

const SOURCE = 'keywarden.yaml';

function errorsOf(text: string): readonly string[] {
  return parsePolicy(text, SOURCE).errors;
}

describe('parsePolicy', () => {
  it('fills in the recommended defaults from "version: 1"', () => {
    // Act
    const result = parsePolicy('version: 1\n', SOURCE);
    // Assess
    expect(result.errors).toEqual([]);
    expect(result.value).toEqual(DEFAULT_POLICY);
    expect(result.value?.rules.KEY_ROTATION.maxKeyAgeDays).toBe(90);
    expect(result.value?.rules.CONSOLE_WITHOUT_MFA.enabled).toBe(false);
  });

  it('DEFAULT_POLICY_YAML parses to the default policy', () => {
    const result = parsePolicy(DEFAULT_POLICY_YAML, SOURCE);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.value).toEqual(DEFAULT_POLICY);
  });

  it.each([
    {
      preset: 'aws-config',
      check: {
        maxKeyAgeDays: 90,
        unusedDays: 90,
        multiple: false,
        mfa: false,
        root: true,
        rotateAfterDays: 90,
        cisVersion: null,
      },
    },
    ...(['cis', 'cis-3.0.0', 'cis-1.4.0'] as const).map((preset) => ({
      preset,
      check: {
        maxKeyAgeDays: 90,
        unusedDays: 45,
        multiple: true,
        mfa: true,
        root: true,
        rotateAfterDays: 90,
        cisVersion: preset === 'cis-1.4.0' ? '1.4.0' : '3.0.0',
      },
    })),
    {
      // v1.2.0 checks unused credentials at 90 days and has no one-active-key control.
      preset: 'cis-1.2.0',
      check: {
        maxKeyAgeDays: 90,
        unusedDays: 90,
        multiple: false,
        mfa: true,
        root: true,
        rotateAfterDays: 90,
        cisVersion: '1.2.0',
      },
    },
    {
      preset: 'rotation-165-180-185',
      check: {
        maxKeyAgeDays: 165,
        unusedDays: 90,
        multiple: true,
        mfa: false,
        root: true,
        rotateAfterDays: 165,
        cisVersion: null,
      },
    },
  ])('preset $preset', ({ preset, check }) => {
    // Act
    const p = parsePolicy(`version: 1\npreset: ${preset}\n`, SOURCE).value;
    // Assess
    expect(p?.preset).toBe(preset);
    expect({
      maxKeyAgeDays: p?.rules.KEY_ROTATION.maxKeyAgeDays,
      unusedDays: p?.rules.UNUSED_CREDENTIALS.unusedDays,
      multiple: p?.rules.MULTIPLE_ACTIVE_KEYS.enabled,
      mfa: p?.rules.CONSOLE_WITHOUT_MFA.enabled,
      root: p?.rules.ROOT_ACCESS_KEY.enabled,
      rotateAfterDays: p?.rotation.rotateAfterDays,
      cisVersion: p?.compliance.cisVersion,
    }).toEqual(check);
  });

  it('takes compliance.cisVersion from the file over the preset, and null for every version', () => {
    const pinned = parsePolicy('version: 1\npreset: cis\ncompliance: { cisVersion: 1.4.0 }\n', SOURCE);
    expect(pinned.errors).toEqual([]);
    expect(pinned.value?.compliance.cisVersion).toBe('1.4.0');
    const every = parsePolicy('version: 1\npreset: cis\ncompliance: { cisVersion: null }\n', SOURCE);
    expect(every.value?.compliance.cisVersion).toBeNull();
    expect(parsePolicy('version: 1\n', SOURCE).value?.compliance.cisVersion).toBeNull();
  });

  it('accepts the example policy without warnings', () => {
    // Prepare
    const text = readFileSync(new URL('../../examples/keywarden.yaml', import.meta.url), 'utf8');
    // Act
    const result = parsePolicy(text, 'examples/keywarden.yaml');
    // Assess
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.value?.exemptions.users).toHaveLength(2);
    expect(result.value?.rules.UNUSED_CREDENTIALS.unusedDays).toBe(60);
  });

  it('covers every preset name', () => {
    expect(PRESET_NAMES).toEqual([
      'aws-config',
      'cis',
      'cis-3.0.0',
      'cis-1.4.0',
      'cis-1.2.0',
      'rotation-165-180-185',
    ]);
    expect(RULE_IDS).toHaveLength(6);
  });

  it('lets file values override the preset', () => {
    const p = parsePolicy(
      'version: 1\npreset: cis\nrules:\n  UNUSED_CREDENTIALS: { unusedDays: 60 }\n',
      SOURCE,
    ).value;
    expect(p?.rules.UNUSED_CREDENTIALS).toEqual({ enabled: true, unusedDays: 60 });
    expect(p?.rules.CONSOLE_WITHOUT_MFA.enabled).toBe(true);
  });

  it('reads the journal as a location alone or with its lease', () => {
    // Act
    const short = parsePolicy('version: 1\njournal: dynamodb://keywarden-journal\n', SOURCE).value;
    const long = parsePolicy(
      'version: 1\njournal: { location: ../state/journal.jsonl, leaseSeconds: 1800 }\n',
      SOURCE,
    ).value;
    const lease = parsePolicy('version: 1\njournal: { leaseSeconds: 120 }\n', SOURCE).value;

    // Assess
    expect(short?.journal).toEqual({ location: 'dynamodb://keywarden-journal', leaseSeconds: 900 });
    expect(long?.journal).toEqual({ location: '../state/journal.jsonl', leaseSeconds: 1800 });
    expect(lease?.journal).toEqual({ location: null, leaseSeconds: 120 });
  });

  it('normalizes exemptions', () => {
    const text = [
      'version: 1',
      'exemptions:',
      '  users: [{ name: "breakglass-*", reason: "break-glass admin", until: 2027-06-30, rules: [KEY_ROTATION] }]',
      '  ssmParameter: { name: /iam-unused-user-cleanup/excluded-users }',
    ].join('\n');
    const p = parsePolicy(text, SOURCE).value;
    expect(p?.exemptions.users).toEqual([
      { name: 'breakglass-*', reason: 'break-glass admin', until: '2027-06-30', rules: ['KEY_ROTATION'] },
    ]);
    expect(p?.exemptions.ssmParameter).toEqual({
      name: '/iam-unused-user-cleanup/excluded-users',
      reason: 'listed in SSM parameter /iam-unused-user-cleanup/excluded-users',
      rules: null,
    });
  });

  describe('validation errors name the path and the value', () => {
    it.each([
      {
        name: 'zero',
        yaml: 'rules:\n  KEY_ROTATION: { maxKeyAgeDays: 0 }',
        error: `${SOURCE}: rules.KEY_ROTATION.maxKeyAgeDays: must be an integer from 1 to 10000 (got 0)`,
      },
      {
        name: 'too large',
        yaml: 'rules:\n  UNUSED_CREDENTIALS: { unusedDays: 10001 }',
        error: `${SOURCE}: rules.UNUSED_CREDENTIALS.unusedDays: must be an integer from 1 to 10000 (got 10001)`,
      },
      {
        name: 'fraction',
        yaml: 'rotation: { inUseGraceDays: 1.5 }',
        error: `${SOURCE}: rotation.inUseGraceDays: must be an integer from 1 to 10000 (got 1.5)`,
      },
      {
        name: 'string',
        yaml: 'rules:\n  KEY_ROTATION: { maxKeyAgeDays: abc }',
        error: `${SOURCE}: rules.KEY_ROTATION.maxKeyAgeDays: must be an integer from 1 to 10000 (got "abc")`,
      },
      {
        name: 'CIS version Keywarden does not map',
        yaml: 'compliance: { cisVersion: 2.0.0 }',
        error: `${SOURCE}: compliance.cisVersion: must be one of: 1.2.0, 1.4.0, 3.0.0 (got "2.0.0")`,
      },
      {
        name: 'CIS version as a number',
        yaml: 'compliance: { cisVersion: 3 }',
        error: `${SOURCE}: compliance.cisVersion: must be one of: 1.2.0, 1.4.0, 3.0.0 (got 3)`,
      },
      {
        name: 'unknown rule',
        yaml: 'rules:\n  KEY_ROTATON: { enabled: true }',
        error: `${SOURCE}: rules.KEY_ROTATON: unknown key; expected one of: ${RULE_IDS.join(', ')}`,
      },
      {
        name: 'unknown top-level key',
        yaml: 'exemption: {}',
        error: `${SOURCE}: exemption: unknown key; expected one of: version, preset, rules, exemptions, inventory, rotation, remediation, notifications, journal, compliance`,
      },
      {
        name: 'bad date',
        yaml: 'exemptions:\n  users: [{ name: bob, reason: x, until: 2027-02-30 }]',
        error: `${SOURCE}: exemptions.users[0].until: must be a real date written YYYY-MM-DD (got "2027-02-30")`,
      },
      {
        name: 'unknown rule in an exemption',
        yaml: 'exemptions:\n  groups: [{ group: ops, reason: x, rules: [KEY_ROTATION, NOPE] }]',
        error: `${SOURCE}: exemptions.groups[0].rules[1]: must be one of: ${RULE_IDS.join(', ')} (got "NOPE")`,
      },
      {
        name: 'missing reason',
        yaml: 'exemptions:\n  users: [{ name: bob }]',
        error: `${SOURCE}: exemptions.users[0].reason: is required; it must be a string`,
      },
      {
        name: 'not a boolean',
        yaml: 'rules:\n  ROOT_ACCESS_KEY: { enabled: "yes" }',
        error: `${SOURCE}: rules.ROOT_ACCESS_KEY.enabled: must be true or false (got "yes")`,
      },
      {
        name: 'bad preset',
        yaml: 'preset: nist',
        error: `${SOURCE}: preset: must be one of: aws-config, cis, cis-3.0.0, cis-1.4.0, cis-1.2.0, rotation-165-180-185 (got "nist")`,
      },
      {
        name: 'bad IAM path',
        yaml: 'exemptions:\n  paths: [{ path: service, reason: x }]',
        error: `${SOURCE}: exemptions.paths[0].path: must be an IAM path that starts and ends with "/" (got "service")`,
      },
      {
        name: 'journal in an unknown place',
        yaml: 'journal: s3://bucket/journal',
        error: `${SOURCE}: journal: location must be a file path or dynamodb://TABLE; s3:// is not a journal (got "s3://bucket/journal")`,
      },
      {
        name: 'journal table without a name',
        yaml: 'journal: { location: "dynamodb://x" }',
        error: `${SOURCE}: journal: location dynamodb://TABLE needs a DynamoDB table name: 3 to 255 letters, digits, _ . or - (got {"location":"dynamodb://x"})`,
      },
      {
        name: 'lease too short',
        yaml: 'journal: { leaseSeconds: 5 }',
        error: `${SOURCE}: journal.leaseSeconds: must be an integer from 60 to 86400 (seconds) (got 5)`,
      },
      {
        name: 'rotate after deactivate',
        yaml: 'rotation: { rotateAfterDays: 120 }',
        error: `${SOURCE}: rotation.deactivateAfterDays: must be greater than rotation.rotateAfterDays (120) (got 104)`,
      },
      {
        name: 'delete before deactivate',
        yaml: 'rotation: { deleteAfterDays: 100 }',
        error: `${SOURCE}: rotation.deleteAfterDays: must be greater than rotation.deactivateAfterDays (104) (got 100)`,
      },
      {
        name: 'warning after rotation',
        yaml: 'rotation: { warnBeforeDays: 90 }',
        error: `${SOURCE}: rotation.warnBeforeDays: must be less than rotation.rotateAfterDays (90) (got 90)`,
      },
      {
        name: 'force before deactivate',
        yaml: 'rotation: { forceDeactivateAfterDays: 104 }',
        error: `${SOURCE}: rotation.forceDeactivateAfterDays: must be greater than rotation.deactivateAfterDays (104) (got 104)`,
      },
    ])('$name', ({ yaml, error }) => {
      // Act
      const result = parsePolicy(`version: 1\n${yaml}\n`, SOURCE);
      // Assess
      expect(result.value).toBeNull();
      expect(result.errors).toContain(error);
    });

    it('requires version 1', () => {
      expect(errorsOf('rules: {}\n')).toEqual([`${SOURCE}: version: is required; it must be 1`]);
      expect(errorsOf('version: 2\n')).toEqual([`${SOURCE}: version: must be 1 (got 2)`]);
    });

    it('reports every error, one line each', () => {
      const errors = errorsOf(
        'version: 1\nrules:\n  KEY_ROTATION: { maxKeyAgeDays: 0 }\n  UNUSED_CREDENTIALS: { unusedDays: -3 }\n',
      );
      expect(errors).toHaveLength(2);
      for (const e of errors) expect(e).not.toContain('\n');
    });

    it('reports a YAML syntax error with its line', () => {
      // Act
      const errors = errorsOf('version: 1\nrules:\n  KEY_ROTATION: { maxKeyAgeDays: 90\n');
      // Assess
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]).toMatch(/^keywarden\.yaml:\d+:\d+: YAML syntax error: /);
      expect(errors[0]).not.toContain('\n');
    });

    it('rejects duplicate keys', () => {
      expect(errorsOf('version: 1\nversion: 1\n')[0]).toMatch(
        /^keywarden\.yaml:2:1: YAML syntax error: .*unique/,
      );
    });

    it('rejects an empty file', () => {
      expect(errorsOf('# nothing\n')).toEqual([
        `${SOURCE}: the file is empty; it needs at least "version: 1"`,
      ]);
    });

    it('rejects a file that is not a mapping', () => {
      expect(errorsOf('- version: 1\n')[0]).toBe(
        `${SOURCE}: (top level): must be a mapping (key: value) (got [{"version":1}])`,
      );
    });
  });

  it('warns when an exemption lists ROOT_ACCESS_KEY', () => {
    const result = parsePolicy(
      'version: 1\nexemptions:\n  users: [{ name: a, reason: r, rules: [ROOT_ACCESS_KEY] }]\n',
      SOURCE,
    );
    expect(result.value).not.toBeNull();
    expect(result.warnings.join('\n')).toContain(
      'ROOT_ACCESS_KEY is listed but its findings are never exempt',
    );
  });
});

describe('resolvePolicy', () => {
  const file = parsePolicyFile(
    'version: 1\npreset: aws-config\nrules:\n  KEY_ROTATION: { maxKeyAgeDays: 120 }\n',
    SOURCE,
  ).value;
  if (file === null) throw new Error('fixture must parse');

  it('is the default policy with no input', () => {
    expect(resolvePolicy({}).value).toEqual(DEFAULT_POLICY);
  });

  it.each([
    { name: 'file beats preset', args: { file }, maxKeyAgeDays: 120, unusedDays: 90, preset: 'aws-config' },
    {
      name: 'CLI flag beats file',
      args: { file, overrides: { maxKeyAgeDays: 30 } },
      maxKeyAgeDays: 30,
      unusedDays: 90,
      preset: 'aws-config',
    },
    {
      name: 'flags arrive as strings',
      args: { overrides: { unusedDays: '45' } },
      maxKeyAgeDays: 90,
      unusedDays: 45,
      preset: null,
    },
    {
      name: '--preset beats the file preset',
      args: { file, preset: 'cis' },
      maxKeyAgeDays: 120,
      unusedDays: 45,
      preset: 'cis',
    },
    {
      name: '--preset alone',
      args: { preset: 'rotation-165-180-185' },
      maxKeyAgeDays: 165,
      unusedDays: 90,
      preset: 'rotation-165-180-185',
    },
  ])('$name', ({ args, maxKeyAgeDays, unusedDays, preset }) => {
    // Act
    const result = resolvePolicy({ ...args, sourceName: SOURCE });
    // Assess
    expect(result.errors).toEqual([]);
    expect(result.value?.rules.KEY_ROTATION.maxKeyAgeDays).toBe(maxKeyAgeDays);
    expect(result.value?.rules.UNUSED_CREDENTIALS.unusedDays).toBe(unusedDays);
    expect(result.value?.preset).toBe(preset);
  });

  it('warns when --preset replaces the file preset', () => {
    expect(resolvePolicy({ file, preset: 'cis', sourceName: SOURCE }).warnings).toEqual([
      `--preset cis replaces "preset: aws-config" from ${SOURCE}`,
    ]);
  });

  it.each([
    {
      overrides: { maxKeyAgeDays: 'abc' },
      error: '--max-key-age-days: must be an integer from 1 to 10000 (got "abc")',
    },
    {
      overrides: { maxKeyAgeDays: '1.5' },
      error: '--max-key-age-days: must be an integer from 1 to 10000 (got "1.5")',
    },
    { overrides: { unusedDays: 0 }, error: '--unused-days: must be an integer from 1 to 10000 (got 0)' },
    {
      overrides: { unusedDays: 10_001 },
      error: '--unused-days: must be an integer from 1 to 10000 (got 10001)',
    },
  ])('rejects override $overrides', ({ overrides, error }) => {
    const result = resolvePolicy({ overrides });
    expect(result.value).toBeNull();
    expect(result.errors).toEqual([error]);
  });

  it('rejects an unknown --preset', () => {
    expect(resolvePolicy({ preset: 'nist' }).errors).toEqual([
      '--preset: must be one of aws-config, cis, cis-3.0.0, cis-1.4.0, cis-1.2.0, rotation-165-180-185 (got "nist")',
    ]);
  });

  it('warns when a threshold flag targets a disabled rule', () => {
    const result = resolvePolicy({
      preset: 'aws-config',
      overrides: { maxKeyAgeDays: 30 },
      file: { version: 1, rules: { KEY_ROTATION: { enabled: false } } },
    });
    expect(result.warnings).toContain(
      '--max-key-age-days has no effect: rules.KEY_ROTATION.enabled is false',
    );
  });
});
