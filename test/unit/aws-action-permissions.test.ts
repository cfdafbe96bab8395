import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_PERMISSIONS } from '../../src/core/actions/registry.js';

const DOC = readFileSync(new URL('../../docs/remediation.md', import.meta.url), 'utf8');

describe('ACTION_PERMISSIONS', () => {
  it.each(Object.entries(ACTION_PERMISSIONS).filter(([type]) => type !== 'notify'))(
    '%s declares the IAM permissions it needs',
    (_, permissions) => {
      expect(permissions.length).toBeGreaterThan(0);
    },
  );

  it('every declared permission is documented in docs/remediation.md', () => {
    const all = new Set(Object.values(ACTION_PERMISSIONS).flat());
    const missing = [...all].filter((p) => !DOC.includes(`\`${p}\``));
    expect(missing).toEqual([]);
  });
});
