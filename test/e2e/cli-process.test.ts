/**
 * The CLI as a process: help for every command, errors without stack traces, missing credentials,
 * and the packed npm tarball installed into an empty directory.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, runProcess } from '../support/cli.js';
import { npmEnv } from '../support/env.js';

/** A user with no AWS configuration at all: runProcess gives it no AWS variable, an empty HOME and folder. */
const keywarden = (args: string[]) => runProcess(process.execPath, [BIN, ...args]);

describe('keywarden as a process', () => {
  it.each(
    [
      'audit',
      'demo',
      'init',
      'sandbox',
      'validate',
      'rules',
      'plan',
      'apply',
      'rotate',
      'undo',
      'history',
      'journal',
      'journal create',
      'journal leases',
      'journal release',
    ].map((c) => [c]),
  )('%s --help shows examples', async (command) => {
    const result = await keywarden([...command.split(' '), '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Examples:/);
    expect(result.stdout).toContain(`keywarden ${command}`);
  });

  it('with no AWS credentials anywhere: one line, exit 2', async () => {
    const result = await keywarden(['audit', '--endpoint-url', 'http://127.0.0.1:9', '--format', 'json']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^keywarden: no AWS credentials found/),
    ]);
  });

  it('an unknown command is one line and exit 2', async () => {
    const result = await keywarden(['rotate-everything']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'rotate-everything'/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm pack', () => {
  it('produces a package that installs into an empty directory and runs', { timeout: 240_000 }, async () => {
    // Prepare
    const packDir = mkdtempSync(join(tmpdir(), 'kw-pack-'));
    const pack = await runProcess('npm', ['pack', '--pack-destination', packDir, '--ignore-scripts'], {
      cwd: REPO_ROOT,
      env: npmEnv(),
    });
    expect(pack.exitCode, pack.stderr).toBe(0);
    const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const installDir = mkdtempSync(join(tmpdir(), 'kw-install-'));
    // Act
    const install = await runProcess(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--ignore-scripts',
        join(packDir, tarball ?? ''),
      ],
      { cwd: installDir, env: npmEnv() },
    );
    expect(install.exitCode, install.stderr).toBe(0);
    const bin = join(installDir, 'node_modules', '.bin', 'keywarden');
    const help = await runProcess(bin, ['--help'], { cwd: installDir });
    const demo = await runProcess(bin, ['demo'], { cwd: installDir });
    // Assess
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/Usage: keywarden/);
    expect(demo.exitCode, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/JSON report: \S+keywarden-demo-\w+\/demo-audit\.json/);
  });
});
