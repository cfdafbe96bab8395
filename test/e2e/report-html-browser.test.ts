/**
 * The HTML report in a real browser: `keywarden audit --output report.html` on the demo world's
 * prod account (emulator, real SDK), opened from disk in headless Chromium. No console error, no
 * network request, the figures on the page are the JSON report's, the tables sort and filter (the
 * findings by control too), and a 1280×800 screenshot (kept in test-artifacts/) is not blank.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_POLICY_PATH, DEMO_WORLD_PATH } from '../../src/cli/paths.js';
import type { AuditReport } from '../../src/core/audit-report.js';
import type { Forecast } from '../../src/core/forecast.js';
import type { Emulator } from '../../src/emulator/server.js';
import { loadWorldFile } from '../../src/emulator/world.js';
import { type Browser, launchChromium } from '../support/browser.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { FIXED_NOW, startTestEmulator } from '../support/emulator.js';

const PROD = '222222222222';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

let emu: Emulator;
let browser: Browser;
let page: Page;
let report: AuditReport;
let forecast: Forecast;
const consoleErrors: string[] = [];

/** Runs in the browser (a string: the test's TypeScript has no DOM types): decodes a PNG and counts. */
const INK_STATS = `async (data) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + data;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  const pixels = g.getImageData(0, 0, image.width, image.height).data;
  let inked = 0;
  const colors = new Set();
  for (let i = 0; i < pixels.length; i += 4) {
    const r = pixels[i], gr = pixels[i + 1], b = pixels[i + 2];
    if (r < 240 || gr < 240 || b < 240) inked++;
    if (colors.size < 1000) colors.add((r << 16) | (gr << 8) | b);
  }
  return { width: image.width, height: image.height, inked, colors: colors.size };
}`;
const requests: string[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({
    world: await loadWorldFile(DEMO_WORLD_PATH),
    credentialReport: { inProgressPolls: 0 },
  });
  emu.state.defaultAccountId = PROD;
  const dir = mkdtempSync(join(tmpdir(), 'kw-html-'));
  const cli = (args: readonly string[]) =>
    runCli(
      [
        ...args,
        '--endpoint-url',
        emu.url,
        '--now',
        FIXED_NOW.toISOString(),
        '--config',
        DEMO_POLICY_PATH,
        '--journal',
        join(dir, 'journal.jsonl'),
      ],
      { env: { AWS_ACCESS_KEY_ID: 'AKIDAUDITOR', AWS_SECRET_ACCESS_KEY: 'x' }, cwd: dir },
    );
  const json = await cli(['audit', '--format', 'json']);
  report = JSON.parse(json.stdout) as AuditReport;
  // The page's calendar reads the inventory the way the audit did: from the credential report.
  forecast = JSON.parse(
    (await cli(['forecast', '--days', '30', '--inventory', 'report', '--format', 'json'])).stdout,
  ) as Forecast;
  const html = await cli(['audit', '--output', 'report.html']);
  expect(html.stderr).toContain('wrote html report to report.html');

  browser = await launchChromium();
  page = await browser.context.newPage();
  const fileUrl = pathToFileURL(join(dir, 'report.html')).href;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== fileUrl) requests.push(r.url());
  });
  await page.goto(fileUrl, { waitUntil: 'load' });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await emu?.stop();
});

async function figure(name: string): Promise<number> {
  return Number(await page.locator(`[data-figure="${name}"]`).textContent());
}

describe('the HTML report in Chromium', () => {
  it('loads with no console error and no network request', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("shows the JSON report's figures", async () => {
    // Assess: summary
    const s = report.summary;
    expect(await figure('accounts')).toBe(s.accounts);
    expect(await figure('users')).toBe(s.users);
    expect(await figure('access-keys')).toBe(s.accessKeys);
    expect(await figure('active-access-keys')).toBe(s.activeAccessKeys);
    expect(await figure('findings')).toBe(s.findings);
    expect(await figure('exempt')).toBe(s.exempt);
    expect(await figure('open')).toBe(s.open);
    for (const severity of ['high', 'medium', 'low'] as const) {
      const open = report.findings.filter((f) => !f.exempt && f.severity === severity).length;
      expect(await figure(`open-${severity}`), severity).toBe(open);
    }
    // by rule, every finding, the histogram's bars, the calendar's counts
    for (const [rule, counts] of Object.entries(s.byRule)) {
      const cells = await page.locator(`#by-rule-table tr[data-rule="${rule}"] td.num`).allTextContents();
      expect(cells.map(Number), rule).toEqual([
        counts.findings,
        counts.exempt,
        counts.findings - counts.exempt,
      ]);
    }
    expect(await page.locator('#findings-table tbody tr').count()).toBe(report.findings.length);
    const bars = await page
      .locator('svg.histogram g.bucket')
      .evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-count'))));
    expect(bars.reduce((a, b) => a + b, 0)).toBe(s.activeAccessKeys);
    expect(await page.locator('#key-ages-table tbody tr').count()).toBe(report.activeKeyAges.length);
    expect(await page.locator('.calendar li.day').count()).toBe(31);
    expect(await page.locator('#calendar-table tbody tr').count()).toBe(forecast.entries.length);
    expect(await page.locator('#exemptions-table tbody tr td:nth-child(2)').allTextContents()).toEqual(
      expect.arrayContaining(['contractor-acme']),
    );
  });

  it('filters and sorts a table', async () => {
    // Act: filter the findings on one user
    const filter = page.locator('input[data-filter="findings-table"]');
    await filter.fill('orders-api');
    // Assess
    const visible = page.locator('#findings-table tbody tr:not([hidden])');
    const expected = report.findings.filter((f) => f.userName === 'orders-api').length;
    expect(await visible.count()).toBe(expected);
    expect(await page.locator('#findings-table-count').textContent()).toBe(
      `${expected} of ${report.findings.length}`,
    );
    await filter.fill('');
    // Act: sort by age, then again for descending
    const age = page.locator('#findings-table thead th', { hasText: 'Age (days)' });
    await age.locator('button').click();
    const ages = async () =>
      (await page.locator('#findings-table tbody tr td:nth-child(6)').allTextContents())
        .filter((t) => t !== '')
        .map(Number);
    const ascending = await ages();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    expect(await age.getAttribute('aria-sort')).toBe('ascending');
    await age.locator('button').click();
    const descending = await ages();
    expect(descending).toEqual([...ascending].sort((a, b) => b - a));
  });

  it('filters the findings by control, with the text filter too', async () => {
    // Prepare
    const select = page.locator('select[data-control-filter="findings-table"]');
    const visible = page.locator('#findings-table tbody tr:not([hidden])');
    const labels = report.findings.flatMap((f) => f.compliance.map((r) => r.label));
    const options = (await select.locator('option').allTextContents()).slice(1);
    expect(new Set(options)).toEqual(new Set(labels));
    const control = 'AWS Security Hub IAM.3';
    const mapped = report.findings.filter((f) => f.compliance.some((r) => r.label === control));
    expect(mapped.length).toBeGreaterThan(0);
    expect(mapped.length).toBeLessThan(report.findings.length);
    // Act: one control
    await select.selectOption(control);
    // Assess
    expect(await visible.count()).toBe(mapped.length);
    expect(await page.locator('#findings-table-count').textContent()).toBe(
      `${mapped.length} of ${report.findings.length}`,
    );
    // Act: and a user
    const user = mapped[0]?.userName ?? '';
    await page.locator('input[data-filter="findings-table"]').fill(user);
    // Assess
    expect(await visible.count()).toBe(mapped.filter((f) => f.userName.includes(user)).length);
    // Act: every control again
    await page.locator('input[data-filter="findings-table"]').fill('');
    await select.selectOption('');
    // Assess
    expect(await visible.count()).toBe(report.findings.length);
  });

  it('takes a non-blank 1280×800 screenshot (kept in test-artifacts/)', async () => {
    // Act
    await page.evaluate('window.scrollTo(0, 0)');
    const png = await page.screenshot({ type: 'png' });
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'report-html-1280x800.png'), png);
    // Assess: decode it in a blank page and count pixels that are not the background
    const viewer = await browser.context.newPage();
    const stats = (await viewer.evaluate(`(${INK_STATS})(${JSON.stringify(png.toString('base64'))})`)) as {
      width: number;
      height: number;
      inked: number;
      colors: number;
    };
    await viewer.close();
    expect(stats).toMatchObject({ width: 1280, height: 800 });
    expect(stats.inked / (stats.width * stats.height)).toBeGreaterThan(0.02);
    expect(stats.colors).toBeGreaterThan(20);
  });
});
