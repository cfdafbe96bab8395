import { describe, expect, it } from 'vitest';
import { changedUserPolicy, remediationPolicy } from '../../src/core/policy/inventory-mode.js';
import { policy } from './builders.js';

describe('which inventory a use case reads', () => {
  it.each([
    {
      name: 'remediation reads live, whatever the audit mode (report)',
      mode: 'report',
      requested: null,
      want: 'live',
    },
    {
      name: 'remediation reads live, whatever the audit mode (live)',
      mode: 'live',
      requested: null,
      want: 'live',
    },
    { name: 'unless the operator asks for the report', mode: 'live', requested: 'report', want: 'report' },
    { name: 'or asks for live explicitly', mode: 'report', requested: 'live', want: 'live' },
  ] as const)('$name', ({ mode, requested, want }) => {
    // Prepare
    const given = policy({ inventory: { mode } });

    // Act
    const got = remediationPolicy(given, requested);

    // Assess
    expect(got.inventory.mode).toBe(want);
    expect({ ...got, inventory: { ...got.inventory, mode } }).toEqual(given);
  });

  it.each(['report', 'live'] as const)('a changed user is judged live (policy mode %s)', (mode) => {
    expect(changedUserPolicy(policy({ inventory: { mode } })).inventory.mode).toBe('live');
  });
});
