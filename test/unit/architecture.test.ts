/**
 * The layering the folders promise: the core is pure and imports only itself (and a few pure
 * libraries); only the core builds plan actions and their ids; there are no import cycles; and the
 * layer check `npm test` runs (.dependency-cruiser.cjs, docs/architecture.md) refuses a wrong import.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DEPCRUISE = join(REPO, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Every `from '...'` specifier of a file, type-only imports included. */
function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/\bfrom '([^']+)'/g)].map((m) => m[1] ?? '');
}

const FILES = sourceFiles(SRC);
const inside = (dir: string, file: string) => !relative(join(SRC, dir), file).startsWith('..');
const resolveLocal = (file: string, spec: string) => resolve(dirname(file), spec.replace(/\.js$/, '.ts'));

describe('architecture', () => {
  it('src/core imports nothing outside src/core but zod, yaml and picomatch', () => {
    const outside: string[] = [];
    for (const file of FILES.filter((f) => inside('core', f))) {
      for (const spec of importsOf(file)) {
        const ok = spec.startsWith('.')
          ? inside('core', resolveLocal(file, spec))
          : ['zod', 'yaml', 'picomatch'].includes(spec);
        if (!ok) outside.push(`${relative(SRC, file)} imports ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('no code outside src/core builds an action id or a chain id', () => {
    const builders: string[] = [];
    for (const file of FILES.filter((f) => !inside('core', f) && !inside('emulator', f))) {
      const text = readFileSync(file, 'utf8');
      if (
        /\b(actionId|chainId)\(/.test(text) ||
        /\/(reactivate|cleanup|deactivate|delete)-key\/`/.test(text)
      ) {
        builders.push(relative(SRC, file));
      }
    }
    expect(builders).toEqual([]);
  });

  it('has no import cycle', () => {
    const graph = new Map<string, string[]>();
    for (const file of FILES) {
      graph.set(
        file,
        importsOf(file)
          .filter((s) => s.startsWith('.'))
          .map((s) => resolveLocal(file, s)),
      );
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of FILES) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it.each([
    ['src/cli/x.ts', "import { a } from '../aws/y.js';", 'src/aws/y.ts', 'entry-points-through-engine'],
    [
      'src/cli/x.ts',
      "import { IAMClient as a } from '@aws-sdk/client-iam';",
      'src/cli/unused.ts',
      'entry-points-through-engine',
    ],
    [
      'src/lambda/x.ts',
      "import { a } from '../engine/apply/y.js';",
      'src/engine/apply/y.ts',
      'plans-run-through-use-cases',
    ],
    [
      'src/aws/x.ts',
      "import { a } from '../journal/y.js';",
      'src/journal/y.ts',
      'adapters-know-core-and-sdk-only',
    ],
    ['src/core/x.ts', "import { a } from '../engine/y.js';", 'src/engine/y.ts', 'core-is-pure'],
    ['src/emulator/x.ts', "import { a } from '../core/y.js';", 'src/core/y.ts', 'emulator-stands-alone'],
    ['src/infra/x.ts', "import { a } from '../aws/y.js';", 'src/aws/y.ts', 'infra-reads-declarations-only'],
  ])('the layer check refuses %s: %s', (from, line, target, rule) => {
    // Prepare: a tree with one wrong import, checked with the project's own rules.
    const root = mkdtempSync(join(tmpdir(), 'kw-layers-'));
    try {
      for (const [file, text] of [
        [from, `${line}\nexport const b = a;\n`],
        [target, 'export const a = 1;\n'],
      ] as const) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), text);
      }
      writeFileSync(
        join(root, 'tsconfig.json'),
        '{"compilerOptions":{"module":"nodenext","moduleResolution":"nodenext"}}',
      );

      // Act
      const run = spawnSync(
        process.execPath,
        [DEPCRUISE, 'src', '--config', join(REPO, '.dependency-cruiser.cjs'), '--output-type', 'err'],
        { cwd: root, encoding: 'utf8' },
      );

      // Assess
      expect(run.status).not.toBe(0);
      expect(run.stdout).toContain(`${rule}: ${from}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
