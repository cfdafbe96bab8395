import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORG_HANDLER_NAMES } from '../../src/core/deployment.js';
import { handlerEntry, PACKAGE_ROOT } from '../../src/infra/entries.js';
import { HANDLER_NAMES } from '../../src/infra/handler-permissions.js';
import { REPO_ROOT } from '../support/cli.js';
import { emptyDir } from '../support/env.js';

describe('handlerEntry', () => {
  it('bundles the TypeScript sources in a clone, with its lock file', () => {
    expect(join(PACKAGE_ROOT, '/')).toBe(REPO_ROOT);
    for (const handler of [...HANDLER_NAMES, ...ORG_HANDLER_NAMES]) {
      expect(handlerEntry(handler)).toEqual({
        entry: join(REPO_ROOT, 'src', 'lambda', `${handler}.ts`),
        projectRoot: PACKAGE_ROOT,
        depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      });
    }
  });

  it('bundles the compiled files of an installed package, which ships no source and no lock file', () => {
    // Prepare: what npm installs (package.json, dist/), nothing else.
    const root = emptyDir('installed-');
    mkdirSync(join(root, 'dist', 'lambda'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{}');
    for (const handler of [...HANDLER_NAMES, ...ORG_HANDLER_NAMES])
      writeFileSync(join(root, 'dist', 'lambda', `${handler}.js`), '');

    // Assess
    expect(handlerEntry('config-rule', root)).toEqual({
      entry: join(root, 'dist', 'lambda', 'config-rule.js'),
      projectRoot: root,
      depsLockFilePath: join(root, 'package.json'),
    });
  });

  it('says where it looked when a handler is missing', () => {
    expect(() => handlerEntry('scheduled', emptyDir('empty-'))).toThrow(
      /no entry file for the scheduled handler: looked for .*scheduled\.ts and .*scheduled\.js/,
    );
  });
});
