/**
 * Distribution (issue 18, item 16): what `npm pack` puts in the tarball runs. The suite never
 * reaches a registry, so installing the tarball's dependencies (what `npx ./keywarden-*.tgz` does)
 * is not run here; instead:
 * - `npm pack --ignore-scripts` (the global setup has built dist/; `prepare` builds it for a real
 *   pack) lists the files: bin, package.json, the demo worlds, and every file the entry point
 *   imports, followed import by import through dist/; each package imported is a runtime dependency;
 * - the tarball is extracted and its bin run with the repository's node_modules beside it, as an
 *   installed package would be: `audit --help` and `--version` work.
 * docs/install.md says how `npx ./keywarden-*.tgz` was checked by hand.
 */

import { readFileSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/cli/paths.js';
import { REPO_ROOT, runCli, runProcess } from '../support/cli.js';
import { emptyDir } from '../support/env.js';

interface Packed {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

let packed: Packed;
let packageDir: string;
beforeAll(async () => {
  const dir = emptyDir('pack-');
  const pack = await runProcess('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: REPO_ROOT,
  });
  expect(pack.exitCode, pack.stderr).toBe(0);
  [packed] = JSON.parse(pack.stdout) as [Packed];
  const untar = await runProcess('tar', ['-xzf', join(dir, packed.filename), '-C', dir]);
  expect(untar.exitCode, untar.stderr).toBe(0);
  packageDir = join(dir, 'package');
  // Where npm would install the dependencies.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(packageDir, 'node_modules'), 'dir');
});

/** The specifiers a built module imports: static imports, re-exports and literal dynamic imports. */
function importsOf(source: string): string[] {
  const found = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm);
  // A "specifier" with a space is prose that happens to follow `from` in a message.
  return [...found].map((m) => m[1] ?? '').filter((specifier) => /^[@\w.:/-]+$/.test(specifier));
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('npm pack', () => {
  it('packs the bin, package.json, the demo worlds, and every module the CLI imports; each package is a dependency', () => {
    const files = new Set(packed.files.map((f) => f.path));
    for (const bin of Object.values(pkg.bin)) expect(files).toContain(normalize(bin));
    for (const f of ['package.json', 'README.md', 'worlds/demo.yaml', 'worlds/demo-policy.yaml']) {
      expect(files).toContain(f);
    }
    // Follow the imports from the entry point through the packed files.
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = Object.values(pkg.bin).map((b) => normalize(b));
    while (queue.length > 0) {
      const file = queue.pop() ?? '';
      if (seen.has(file)) continue;
      seen.add(file);
      expect(files, `imported but not packed: ${file}`).toContain(file);
      for (const specifier of importsOf(readFileSync(join(packageDir, file), 'utf8'))) {
        if (specifier.startsWith('.')) queue.push(normalize(join(dirname(file), specifier)));
        else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
          packages.add(packageName(specifier));
        }
      }
    }
    expect(seen.size).toBeGreaterThan(100);
    expect(seen).toContain('dist/cli/main.js');
    for (const name of packages)
      expect(pkg.dependencies, `${name} is imported at run time`).toHaveProperty([name]);
  });

  it('the packed bin runs: audit --help, --version', async () => {
    const bin = join(packageDir, normalize(pkg.bin.keywarden ?? ''));
    const help = await runProcess(process.execPath, [bin, 'audit', '--help']);
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: keywarden audit \[options\]/);
    const version = await runProcess(process.execPath, [bin, '--version']);
    expect(version.stdout).toBe(`keywarden ${VERSION} (node ${process.version})\n`);
  });
});

describe('--version', () => {
  it.each([['--version'], ['-V']])('%s prints the version and the Node version', async (flag) => {
    const result = await runCli([flag]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^keywarden \d+\.\d+\.\d+ \(node v\d+\.\d+\.\d+\)\n$/);
    expect(result.stdout).toBe(`keywarden ${VERSION} (node ${process.version})\n`);
  });
});
