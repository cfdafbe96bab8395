/**
 * `keywarden synth` when the synth itself fails: the CDK app is replaced by one that throws what the
 * CDK throws, and the CLI is run as a user runs it.
 */
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/cli.js';

const synth = vi.hoisted(() => ({ error: new Error('unset') as Error }));

vi.mock('../../src/infra/app.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/infra/app.js')>()),
  synthesizeApp: () => {
    throw synth.error;
  },
}));

describe('keywarden synth, when the synth fails', () => {
  it('passes a failed check’s report on whole and sums it up in one line', async () => {
    // Prepare: cdk-nag's failure, as the CDK reports it
    const report =
      'ERROR The IAM entity contains wildcard permissions\nA copy of this report can be found in: /x/report.json';
    synth.error = Object.assign(new Error(report), { name: 'ValidationFailed' });

    // Act
    const result = await runCli(['synth']);

    // Assess
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `${report}\nkeywarden: synth failed: the checks above found problems (report: /x/report.json)\n`,
    );
  });

  it('keeps any other failure to its first line', async () => {
    synth.error = new Error('Bundling failed\nat esbuild');

    const result = await runCli(['synth']);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('keywarden: synth failed: Bundling failed\n');
  });
});
