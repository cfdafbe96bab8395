/**
 * `keywarden audit` output files end to end: the format inferred from `--output`'s extension, and
 * CSV cells a spreadsheet would run as formulas (a user named `=1+2`) neutralized, through the CLI
 * (in-process) and the real SDK against the emulator.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport, Finding } from '../../src/core/audit-report.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { FIXED_NOW, startTestEmulator } from '../support/emulator.js';
import { githubIngestionProblems } from '../support/github-sarif-rules.js';
import { ocsfDetectionFindingErrors } from '../support/ocsf-schema.js';
import { sarifSchemaErrors } from '../support/sarif-schema.js';

const ACCOUNT = '444444444444';
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        { name: '=1+2', accessKeys: [{ createdDaysAgo: 120, lastUsedDaysAgo: 1 }] },
        { name: '@x', accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 1 }] },
        { name: '-x', accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 1 }] },
        { name: 'plain', accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 1 }] },
      ],
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDAUDITOR', AWS_SECRET_ACCESS_KEY: 'x' };

interface SarifShape {
  readonly runs: readonly {
    readonly results: readonly {
      readonly locations: readonly { physicalLocation: { artifactLocation: { uri: string } } }[];
    }[];
  }[];
}

/** The distinct files a SARIF log's results point at. */
const artifactUris = (log: SarifShape): string[] => [
  ...new Set(
    log.runs.flatMap((r) =>
      r.results.flatMap((x) => x.locations.map((l) => l.physicalLocation.artifactLocation.uri)),
    ),
  ),
];

let emu: Emulator;
let dir: string;

beforeAll(async () => {
  emu = await startTestEmulator({ world: WORLD, credentialReport: { inProgressPolls: 0 } });
  dir = mkdtempSync(join(tmpdir(), 'kw-audit-output-'));
});
afterAll(() => emu.stop());

function audit(args: readonly string[], tty = false) {
  return runCli(['audit', '--endpoint-url', emu.url, '--now', FIXED_NOW.toISOString(), ...args], {
    env: ENV,
    cwd: dir,
    tty,
  });
}

describe('audit --output', () => {
  it('writes user names that start a formula as text in CSV', async () => {
    // Act
    const result = await audit(['--format', 'csv']);
    // Assess
    expect(result.exitCode).toBe(1);
    const rows = parse(result.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.userName).sort()).toEqual(["'-x", "'=1+2", "'@x", 'plain']);
    const formula = rows.find((r) => r.userName === "'=1+2");
    // The ARN does not start with a formula character, so it stays as IAM wrote it.
    expect(formula?.userArn).toBe(`arn:aws:iam::${ACCOUNT}:user/=1+2`);
    expect(formula?.ageDays).toBe('120');
  });

  it.each([
    ['report.csv', 'csv'],
    ['REPORT.CSV', 'csv'],
    ['report.json', 'json'],
    ['report.html', 'html'],
    ['report.sarif', 'sarif'],
    ['findings.ocsf.json', 'ocsf'],
  ])('infers the format of %s from its extension (as a terminal would get a table)', async (file, format) => {
    // Act: on a terminal the default would be a table; the extension wins
    const result = await audit(['--output', file], true);
    // Assess
    expect(result.stderr).toContain(`wrote ${format} report to ${file}`);
    const text = readFileSync(join(dir, file), 'utf8');
    if (format === 'csv') expect(text.split('\r\n')[0]).toMatch(/^accountId,userName,/);
    else if (format === 'html') expect(text).toMatch(/^<!doctype html>/);
    else if (format === 'sarif') expect((JSON.parse(text) as { version: string }).version).toBe('2.1.0');
    else if (format === 'ocsf')
      expect((JSON.parse(text) as { class_uid: number }[])[0]?.class_uid).toBe(2004);
    else expect((JSON.parse(text) as AuditReport).summary.users).toBe(4);
  });

  it("writes SARIF that validates against the SARIF 2.1.0 schema and GitHub's rules, one result per finding", async () => {
    // Act
    const sarif = await audit(['--format', 'sarif']);
    const json = await audit(['--format', 'json']);
    // Assess
    const log = JSON.parse(sarif.stdout) as SarifShape;
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(githubIngestionProblems(sarif.stdout)).toEqual([]);
    const report = JSON.parse(json.stdout) as AuditReport;
    expect(log.runs[0]?.results).toHaveLength(report.findings.length);
    // No policy file in the working directory: results point at the one Keywarden would read.
    expect(artifactUris(log)).toEqual(['keywarden.yaml']);
  });

  it('points SARIF results at the policy file given with --config, relative to the working directory', async () => {
    // Prepare
    mkdirSync(join(dir, 'security policies'), { recursive: true });
    writeFileSync(join(dir, 'security policies', 'keywarden.yaml'), 'version: 1\n');
    // Act
    const sarif = await audit(['--format', 'sarif', '--config', 'security policies/keywarden.yaml']);
    // Assess
    expect(sarif.stderr).toBe('');
    expect(artifactUris(JSON.parse(sarif.stdout) as SarifShape)).toEqual([
      'security%20policies/keywarden.yaml',
    ]);
    expect(githubIngestionProblems(sarif.stdout)).toEqual([]);
  });

  it('writes OCSF: one Detection Finding per finding, each valid against OCSF 1.1.0, in --region', async () => {
    // Act
    const ocsf = await audit(['--format', 'ocsf', '--region', 'eu-central-1']);
    // Assess
    expect(ocsf.exitCode).toBe(1);
    const findings = JSON.parse(ocsf.stdout) as {
      metadata: { version: string };
      cloud: { region: string; account: { uid: string } };
    }[];
    expect(findings).toHaveLength(4);
    for (const f of findings) expect(ocsfDetectionFindingErrors(f)).toEqual([]);
    expect(findings.every((f) => f.metadata.version === '1.1.0')).toBe(true);
    expect(findings[0]?.cloud).toMatchObject({ region: 'eu-central-1', account: { uid: ACCOUNT } });
  });

  it('writes ASFF only when asked: .json stays the JSON report', async () => {
    // Act
    const asff = await audit(['--format', 'asff', '--region', 'eu-central-1']);
    // Assess
    const findings = (JSON.parse(asff.stdout) as { Findings: { ProductArn: string; Id: string }[] }).Findings;
    expect(findings).toHaveLength(4);
    expect(findings[0]?.ProductArn).toBe(
      `arn:aws:securityhub:eu-central-1:${ACCOUNT}:product/${ACCOUNT}/default`,
    );
    // Names are as IAM has them: the formula guard is for CSV only.
    expect(findings.some((f) => f.Id.startsWith(`keywarden/${ACCOUNT}/=1+2/KEY_ROTATION/`))).toBe(true);
  });

  it.each([
    [
      'report.txt',
      /^keywarden: --output: Keywarden does not know the extension "\.txt" \(it knows \.json, \.ocsf\.json, \.jsonl, \.csv, \.html, \.htm, \.sarif\); add --format /,
    ],
    ['findings.asff', /^keywarden: --output: Keywarden does not know the extension "\.asff"/],
    ['report', /^keywarden: --output: "report" has no extension/],
    [
      'json',
      /^keywarden: --output: takes a file path, and "json" is a format's name: did you mean --format json\?$/,
    ],
    ['SARIF', /did you mean --format sarif\?$/],
    ['jsonl', /did you mean --format jsonl\?$/],
  ])(
    'refuses --output %s without --format: one line, exit 2, no AWS call, no file',
    async (file, message) => {
      emu.faults.resetCounts();
      const result = await audit(['--output', file]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
      expect(emu.faults.count()).toBe(0);
      expect(existsSync(join(dir, file))).toBe(false);
    },
  );

  it('refuses a bare format name even with --format (it is surely a typo for the format)', async () => {
    const result = await audit(['--format', 'csv', '--output', 'json']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/did you mean --format json\?/);
  });

  it('with --format any file is fine, and --format beats the extension', async () => {
    const txt = await audit(['--output', 'report.txt', '--format', 'json']);
    const forced = await audit(['-o', 'forced.csv', '-f', 'json']);
    const asff = await audit(['--format', 'asff', '--output', 'asff.json']);
    const named = await audit(['--format', 'json', '--output', './json']);
    expect(txt.stderr).toContain('wrote json report to report.txt');
    expect((JSON.parse(readFileSync(join(dir, 'report.txt'), 'utf8')) as AuditReport).schemaVersion).toBe(2);
    expect(forced.stderr).toContain('wrote json report to forced.csv');
    expect(asff.stderr).toContain('wrote asff report to asff.json');
    expect(JSON.parse(readFileSync(join(dir, 'asff.json'), 'utf8'))).toHaveProperty('Findings');
    expect(named.stderr).toContain('wrote json report to ./json');
  });

  it('-o x.jsonl writes one finding per line, the findings of the json report', async () => {
    const json = JSON.parse((await audit(['-f', 'json'])).stdout) as AuditReport;
    const result = await audit(['-o', 'findings.jsonl']);
    expect(result.stderr).toContain('wrote jsonl report to findings.jsonl');
    const lines = readFileSync(join(dir, 'findings.jsonl'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l) as Finding)).toEqual(json.findings);
  });
});
