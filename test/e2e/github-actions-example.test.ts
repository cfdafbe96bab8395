/**
 * The GitHub Actions example (examples/github-actions/keywarden-audit.yml, issue 18 item 16): its
 * shell steps run as the runner would run them (bash -e, in order, GITHUB_OUTPUT between steps, the
 * workflow's env), against the emulator serving the demo world, with fake credentials where
 * configure-aws-credentials would put the role's and `keywarden` on PATH. Not run: the `uses:`
 * steps (GitHub's own actions) and the install step (npm install from the registry; the suite never
 * reaches one), whose command is checked instead.
 */
import { chmodSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEMO_POLICY_PATH, DEMO_WORLD_PATH } from '../../src/cli/paths.js';
import type { Emulator } from '../../src/emulator/server.js';
import { loadWorldFile } from '../../src/emulator/world.js';
import { BIN, REPO_ROOT, runProcess } from '../support/cli.js';
import { MANAGEMENT_ENV } from '../support/demo-organization.js';
import { startTestEmulator } from '../support/emulator.js';
import { emptyDir } from '../support/env.js';

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, string>;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly env: Record<string, string>;
  readonly jobs: Record<string, { readonly steps: readonly Step[] }>;
}

const WORKFLOW_PATH = join(REPO_ROOT, 'examples', 'github-actions', 'keywarden-audit.yml');
const workflow = parse(readFileSync(WORKFLOW_PATH, 'utf8')) as Workflow;
const steps = workflow.jobs.audit?.steps ?? [];

/** The one `if:` form the example uses: a step output compared with a literal. */
function condition(expression: string, outputs: Readonly<Record<string, Record<string, string>>>): boolean {
  const m = /^steps\.([\w-]+)\.outputs\.([\w-]+) == '([^']*)'$/.exec(expression.trim());
  if (m === null) throw new Error(`the test cannot evaluate if: ${expression}`);
  return outputs[m[1] ?? '']?.[m[2] ?? ''] === m[3];
}

let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator({
    world: await loadWorldFile(DEMO_WORLD_PATH),
    credentialReport: { inProgressPolls: 0 },
  });
});
afterAll(() => emu.stop());

describe('the example workflow', () => {
  it('runs on a schedule, assumes a role through OIDC and uploads SARIF to code scanning', () => {
    expect(workflow.on).toHaveProperty('schedule');
    expect(workflow.permissions).toMatchObject({ 'id-token': 'write', 'security-events': 'write' });
    const uses = (prefix: string) => steps.find((s) => s.uses?.startsWith(prefix));
    expect(uses('aws-actions/configure-aws-credentials@')?.with).toHaveProperty('role-to-assume');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    expect(uses('github/codeql-action/upload-sarif@')?.with?.sarif_file).toBe('${{ env.KEYWARDEN_SARIF }}');
    expect(steps.find((s) => s.id === 'install')?.run?.trim()).toBe(
      'npm install --global "$KEYWARDEN_PACKAGE"',
    );
  });

  it('its shell steps audit the emulator, write SARIF with results, and fail the run on findings', async () => {
    // Prepare: the checked-out repository (the policy), keywarden on PATH, the role's credentials.
    const workspace = emptyDir('gha-workspace-');
    copyFileSync(DEMO_POLICY_PATH, join(workspace, workflow.env.KEYWARDEN_POLICY ?? ''));
    const binDir = emptyDir('gha-bin-');
    const keywarden = join(binDir, 'keywarden');
    writeFileSync(keywarden, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(keywarden, 0o755);
    const outputs: Record<string, Record<string, string>> = {};
    const ran: { name: string; exitCode: number; stdout: string; stderr: string }[] = [];

    // Act: each run: step in order, until one fails, as the runner does.
    for (const step of steps) {
      if (step.run === undefined || step.id === 'install') continue;
      if (step.if !== undefined && !condition(step.if, outputs)) continue;
      const outputFile = join(emptyDir('gha-output-'), 'output');
      writeFileSync(outputFile, '');
      const script = join(emptyDir('gha-step-'), 'step.sh');
      writeFileSync(script, step.run);
      const result = await runProcess('bash', ['--noprofile', '--norc', '-e', script], {
        cwd: workspace,
        env: {
          ...workflow.env,
          PATH: `${binDir}:${process.env.PATH ?? ''}`,
          GITHUB_OUTPUT: outputFile,
          GITHUB_WORKSPACE: workspace,
          // What configure-aws-credentials exports; the endpoint makes every call the emulator's.
          ...MANAGEMENT_ENV,
          AWS_DEFAULT_REGION: MANAGEMENT_ENV.AWS_REGION,
          AWS_SESSION_TOKEN: 'token',
          AWS_ENDPOINT_URL: emu.url,
        },
      });
      ran.push({ name: step.name ?? step.id ?? '', ...result });
      if (step.id !== undefined) {
        outputs[step.id] = Object.fromEntries(
          readFileSync(outputFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
        );
      }
      if (result.exitCode !== 0) break;
    }

    // Assess: the audit step passed, found findings at --fail-on, and wrote SARIF with results.
    const audit = ran.find((r) => r.name === 'Audit');
    expect(audit?.exitCode, audit?.stderr).toBe(0);
    expect(audit?.stdout).toMatch(/^keywarden \d+\.\d+\.\d+ \(node v/);
    expect(outputs.audit).toEqual({ 'exit-code': '1' });
    const sarifPath = join(workspace, workflow.env.KEYWARDEN_SARIF ?? '');
    expect(existsSync(sarifPath)).toBe(true);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as {
      version: string;
      runs: { tool: { driver: { name: string } }; results: unknown[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.tool.driver.name).toMatch(/keywarden/i);
    expect(sarif.runs[0]?.results.length).toBeGreaterThan(0);
    // The gate step ran and failed the run, with an annotation.
    const gate = ran.at(-1);
    expect(gate?.name).toBe('Fail on findings');
    expect(gate?.exitCode).toBe(1);
    expect(gate?.stdout).toMatch(/^::error::Keywarden found credentials at --fail-on high or worse/);
  });
});
