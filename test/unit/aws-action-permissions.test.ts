import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_PERMISSIONS } from '../../src/core/actions/registry.js';
import { ACTION_TYPES } from '../../src/core/plan/types.js';

const DOC = readFileSync(new URL('../../docs/remediation.md', import.meta.url), 'utf8');

describe('ACTION_PERMISSIONS', () => {
  it.each(ACTION_TYPES.filter((t) => t !== 'notify'))('%s declares the IAM permissions it needs', (type) => {
    expect(ACTION_PERMISSIONS[type].length).toBeGreaterThan(0);
  });

  it('every declared permission is documented in docs/remediation.md', () => {
    const all = new Set(Object.values(ACTION_PERMISSIONS).flat());
    const missing = [...all].filter((p) => !DOC.includes(`\`${p}\``));
    expect(missing).toEqual([]);
  });
});
