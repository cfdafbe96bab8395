import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { permissionsMarkdown, README } from '../../scripts/permissions-doc.js';
import { PERMISSION_GROUPS } from '../../src/engine/permissions.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('declared permissions', () => {
  it('cover every permission a call site names (callAws)', () => {
    // Prepare
    const declared = new Set<string>(PERMISSION_GROUPS.flatMap((g) => g.permissions));
    const named = new Set<string>();
    for (const file of sourceFiles(SRC)) {
      if (file.includes(`${join('src', 'emulator')}`)) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/callAws\(\s*'([a-z0-9-]+:[A-Za-z0-9]+)'/g)) {
        named.add(m[1] ?? '');
      }
    }

    // Assess
    expect(named.size).toBeGreaterThan(20);
    expect([...named].filter((p) => !declared.has(p))).toEqual([]);
  });

  it('are what the README lists (npm run docs:permissions rewrites it)', () => {
    expect(readFileSync(README, 'utf8')).toContain(permissionsMarkdown());
  });
});
