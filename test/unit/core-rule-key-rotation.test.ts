import { describe, expect, it } from 'vitest';
import { keyRotation } from '../../src/core/rules/key-rotation.js';
import { daysAgo, key, NOW, policy, user } from './builders.js';

const defaults = policy();

describe('KEY_ROTATION', () => {
  it.each([
    { name: 'age 90 with max 90 is compliant', age: 90, violations: 0 },
    { name: 'age 91 with max 90 is non-compliant', age: 91, violations: 1 },
    { name: 'fresh key is compliant', age: 0, violations: 0 },
  ])('$name', ({ age, violations }) => {
    // Prepare
    const alice = user({ accessKeys: [key({ createDate: daysAgo(age) })] });
    // Act
    const result = keyRotation.evaluateUser(alice, defaults.rules.KEY_ROTATION, NOW);
    // Assess
    expect(result.kind).toBe('evaluated');
    expect(result.kind === 'evaluated' && result.violations.length).toBe(violations);
  });

  it('is one second short of day 91 still compliant', () => {
    const createDate = new Date(daysAgo(91).getTime() + 1000);
    const result = keyRotation.evaluateUser(
      user({ accessKeys: [key({ createDate })] }),
      defaults.rules.KEY_ROTATION,
      NOW,
    );
    expect(result).toEqual({ kind: 'evaluated', violations: [] });
  });

  it('reports one violation per old active key with age and last use', () => {
    // Prepare
    const alice = user({
      accessKeys: [
        key({ accessKeyId: 'AKIAOLD1', createDate: daysAgo(120), lastUsedDate: daysAgo(3) }),
        key({ accessKeyId: 'AKIAOLD2', slot: 2, createDate: daysAgo(100), lastUsedDate: null }),
      ],
    });
    // Act
    const result = keyRotation.evaluateUser(alice, defaults.rules.KEY_ROTATION, NOW);
    // Assess
    if (result.kind !== 'evaluated') throw new Error('expected evaluated');
    expect(result.violations.map((v) => [v.key?.accessKeyId, v.ageDays, v.lastUsedDaysAgo])).toEqual([
      ['AKIAOLD1', 120, 3],
      ['AKIAOLD2', 100, null],
    ]);
    expect(result.violations[0]?.text).toBe('Active access key AKIAOLD1 is 120 days old (max 90)');
  });

  it('ignores inactive keys', () => {
    const alice = user({
      accessKeys: [
        key({ status: 'Inactive', createDate: daysAgo(500) }),
        key({ slot: 2, createDate: daysAgo(5) }),
      ],
    });
    expect(keyRotation.evaluateUser(alice, defaults.rules.KEY_ROTATION, NOW)).toEqual({
      kind: 'evaluated',
      violations: [],
    });
  });

  it.each([
    { name: 'no keys', keys: [] },
    { name: 'only inactive keys', keys: [key({ status: 'Inactive', createDate: daysAgo(500) })] },
  ])('is not applicable with $name', ({ keys }) => {
    expect(keyRotation.evaluateUser(user({ accessKeys: keys }), defaults.rules.KEY_ROTATION, NOW).kind).toBe(
      'not-applicable',
    );
  });

  it('honours maxKeyAgeDays', () => {
    const p = policy({ rules: { KEY_ROTATION: { maxKeyAgeDays: 165 } } });
    const at = (age: number) => user({ accessKeys: [key({ createDate: daysAgo(age) })] });
    expect(keyRotation.evaluateUser(at(165), p.rules.KEY_ROTATION, NOW)).toEqual({
      kind: 'evaluated',
      violations: [],
    });
    const result = keyRotation.evaluateUser(at(166), p.rules.KEY_ROTATION, NOW);
    expect(result.kind === 'evaluated' && result.violations.length).toBe(1);
  });

  it('never names an ambiguous key id', () => {
    // Prepare
    const alice = user({
      accessKeys: [key({ accessKeyId: 'AKIAGUESS', idAmbiguous: true, createDate: daysAgo(120) })],
    });
    // Act
    const result = keyRotation.evaluateUser(alice, defaults.rules.KEY_ROTATION, NOW);
    // Assess
    const text = result.kind === 'evaluated' ? (result.violations[0]?.text ?? '') : '';
    expect(text).not.toContain('AKIAGUESS');
    expect(text).toContain('could not be determined because two keys share a creation time');
  });
});
