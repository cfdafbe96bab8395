import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../../src/core/audit-account.js';
import { buildAuditReport } from '../../src/core/audit-summary.js';
import { forecastAccount } from '../../src/core/forecast.js';
import { NO_JOURNAL_FACTS } from '../../src/core/plan/facts.js';
import { bucketAges, renderAgeHistogram } from '../../src/report/histogram.js';
import { renderHtml } from '../../src/report/html.js';
import { daysAgo, inventory, key, NOW, policy, user } from './builders.js';

const TOOL = { name: 'keywarden', version: '0.1.0' };
const EVIL = '<script>alert("x")</script>';

function page(options: { withForecast?: boolean } = {}) {
  const p = policy({
    exemptions: { users: [{ name: 'vendor', reason: `contract ${EVIL}`, until: '2027-01-31' }] },
  });
  const inv = inventory({
    users: [
      user({ userName: 'alice', accessKeys: [key({ accessKeyId: 'AKIAALICE', createDate: daysAgo(120) })] }),
      user({ userName: 'bob', accessKeys: [key({ accessKeyId: 'AKIABOB', createDate: daysAgo(80) })] }),
      user({
        userName: 'vendor',
        accessKeys: [key({ accessKeyId: 'AKIAVENDOR', createDate: daysAgo(200) })],
      }),
      user({ userName: 'carol', accessKeys: [key({ accessKeyId: 'AKIACAROL', createDate: daysAgo(10) })] }),
    ],
  });
  const report = buildAuditReport([evaluateAccount(inv, p, NOW)], p, NOW, TOOL);
  const forecast =
    options.withForecast === false
      ? null
      : forecastAccount(inv, p, NOW, NO_JOURNAL_FACTS, { days: 30, view: 'simulated' });
  return { report, html: renderHtml(report, { forecast, forecastUnavailable: 'AccessDenied: not allowed' }) };
}

const figure = (html: string, name: string) =>
  Number(new RegExp(`data-figure="${name}">(\\d+)<`).exec(html)?.[1] ?? Number.NaN);

describe('renderHtml', () => {
  it('allows only its own style and script, by hash, and references nothing outside the file', () => {
    // Act
    const { html } = page();
    // Assess
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src '${hash(style)}'`);
    expect(csp).toContain(`script-src '${hash(script)}'`);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/\b(src|href)=|url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('escapes text from the account and the policy', () => {
    const { html } = page();
    expect(html).not.toContain(EVIL);
    expect(html).toContain('contract &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('shows the summary figures of the report', () => {
    // Act
    const { report, html } = page();
    // Assess
    const s = report.summary;
    expect(figure(html, 'accounts')).toBe(s.accounts);
    expect(figure(html, 'users')).toBe(s.users);
    expect(figure(html, 'access-keys')).toBe(s.accessKeys);
    expect(figure(html, 'active-access-keys')).toBe(s.activeAccessKeys);
    expect(figure(html, 'findings')).toBe(s.findings);
    expect(figure(html, 'exempt')).toBe(s.exempt);
    expect(figure(html, 'open')).toBe(s.open);
    expect(figure(html, 'open-medium')).toBe(
      report.findings.filter((f) => !f.exempt && f.severity === 'medium').length,
    );
    expect(figure(html, 'open-high')).toBe(0);
    expect(html.match(/<tr data-finding=/g)).toHaveLength(report.findings.length);
  });

  it('lists each exemption in force with its reason and last day', () => {
    const { html } = page();
    const row = /<tr data-user="vendor">([\s\S]*?)<\/tr>/.exec(
      html.slice(html.indexOf('id="exemptions"')),
    )?.[1];
    expect(row).toContain('2027-01-31');
    expect(row).toContain('exemptions.users[0]');
    expect(row).toContain('<code>KEY_ROTATION</code>');
  });

  it('draws a calendar of today and the next 30 days, and the nearest deadlines', () => {
    // Act
    const { html } = page();
    // Assess: bob's 80-day-old key is rotated on day 10; alice's is due today
    expect(html.match(/<li class="day[^"]*" data-day="/g)).toHaveLength(31);
    expect(html).toMatch(
      /data-day="10" data-date="2026-12-02"[^>]*><span class="date">2 Dec<\/span><span class="ev ev-rotation" data-event="rotation" data-count="1">/,
    );
    const deadlines = html.slice(html.indexOf('id="deadlines"'), html.indexOf('id="calendar"'));
    expect(deadlines.indexOf('data-user="alice"')).toBeLessThan(deadlines.indexOf('data-user="bob"'));
    // Daily runs: alice's old key (replaced today) is deactivated on day 14 and deleted on day 28
    expect(html).toMatch(
      /data-day="14"[^>]*><span class="date">[^<]*<\/span><span class="ev ev-deactivation" data-event="deactivation" data-count="1">/,
    );
    expect(html).toMatch(
      /data-day="28"[^>]*><span class="date">[^<]*<\/span><span class="ev ev-deletion" data-event="deletion" data-count="1">/,
    );
    expect(html).toContain('if it runs daily as configured');
  });

  it('says why there is no calendar when there is no forecast', () => {
    const { html } = page({ withForecast: false });
    expect(html).toContain('No forecast: AccessDenied: not allowed.');
    expect(html).not.toContain('data-day=');
  });
});

describe('renderHtml compliance', () => {
  function cisPage(file: Parameters<typeof policy>[0]) {
    const p = policy(file);
    const inv = inventory({
      users: [
        user({
          userName: 'alice',
          accessKeys: [key({ accessKeyId: 'AKIAALICE', createDate: daysAgo(120) })],
        }),
      ],
    });
    return renderHtml(buildAuditReport([evaluateAccount(inv, p, NOW)], p, NOW, TOOL), { forecast: null });
  }

  it("lists each finding's controls in a column, and every control once in the filter", () => {
    // Act
    const html = cisPage({});
    // Assess
    const row = /<tr data-finding="[^"]*KEY_ROTATION[^"]*" data-controls="([^"]*)">(.*?)<\/tr>/.exec(html);
    expect(row?.[1]?.split('|')).toContain('AWS Security Hub IAM.3');
    expect(row?.[2]).toContain(
      '<span class="ctl" title="CIS AWS Foundations Benchmark v3.0.0/1.14">CIS v3.0.0 1.14</span>',
    );
    const options = [...html.matchAll(/<option value="([^"]*)">/g)].map((m) => m[1]);
    expect(options[0]).toBe('');
    expect(options).toContain('AWS Security Hub IAM.3');
    expect(new Set(options).size).toBe(options.length);
    expect(html).not.toContain('data-benchmark');
  });

  it('names the benchmark version in the header and filters on its controls only', () => {
    // Act
    const html = cisPage({ preset: 'cis-1.4.0' });
    // Assess
    expect(html).toContain('data-benchmark="1.4.0">Against the CIS AWS Foundations Benchmark v1.4.0');
    expect(html).toContain('<option value="CIS AWS Foundations Benchmark v1.4.0/1.14">');
    expect(html).not.toContain('v3.0.0/1.14');
  });
});

describe('a filtered report', () => {
  const p = policy({});
  const inv = inventory({
    users: [
      user({ userName: 'alice', accessKeys: [key({ accessKeyId: 'AKIAALICE', createDate: daysAgo(120) })] }),
      user({ userName: 'bob', accessKeys: [key({ accessKeyId: 'AKIABOB', createDate: daysAgo(120) })] }),
    ],
  });
  const render = (filter: Parameters<typeof buildAuditReport>[4]) =>
    renderHtml(buildAuditReport([evaluateAccount(inv, p, NOW)], p, NOW, TOOL, filter), { forecast: null });

  it('says in its header which filter ran and what it left out', () => {
    // Act
    const html = render({ rules: [], severity: null, users: ['alice'] });
    // Assess
    expect(html).toContain('data-filter="--user alice">Filtered:');
    expect(html).toMatch(/1 finding\(s\) left out, 1 of them open/);
    expect(html).not.toContain('AKIABOB');
  });

  it('says nothing of a filter when none ran', () => {
    expect(render(null)).not.toContain('Filtered:');
  });
});

describe('key age histogram', () => {
  it('splits each bucket at the age limit: 90 days is within, 91 over', () => {
    // Act
    const buckets = bucketAges(
      [
        { ageDays: 0, keys: 2 },
        { ageDays: 90, keys: 3 },
        { ageDays: 91, keys: 4 },
        { ageDays: 400, keys: 1 },
      ],
      90,
      [118],
    );
    // Assess: 401 days of span in at most 40 buckets: 14 days wide
    expect(buckets[0]).toEqual({ fromDays: 0, toDays: 13, withinLimit: 2, overLimit: 0 });
    const at90 = buckets.find((b) => b.fromDays <= 90 && 90 <= b.toDays);
    expect(at90).toMatchObject({ withinLimit: 3, overLimit: 4 });
    expect(buckets.reduce((n, b) => n + b.withinLimit + b.overLimit, 0)).toBe(10);
    expect(buckets.length).toBeLessThanOrEqual(40);
    expect(buckets.at(-1)?.toDays).toBeGreaterThanOrEqual(400);
  });

  it('reaches past the largest threshold even when every key is young', () => {
    const buckets = bucketAges([{ ageDays: 3, keys: 1 }], 90, [118]);
    expect(buckets.at(-1)?.toDays).toBeGreaterThanOrEqual(118);
  });

  it('labels each bucket and threshold in the SVG', () => {
    const svg = renderAgeHistogram([{ ageDays: 100, keys: 5 }], 90, [
      { ageDays: 90, label: 'KEY_ROTATION: older than 90', kind: 'limit' },
    ]);
    expect(svg).toContain('data-total="5"');
    expect(svg).toMatch(
      /data-count="5"><title>\d+–\d+ days: 5 active keys \(5 older than 90 days\)<\/title>/,
    );
    expect(svg).toContain('<g class="threshold limit" data-age="90">');
  });
});
