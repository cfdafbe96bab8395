/**
 * The histogram of active key ages as inline SVG, drawn with plain code: a few dozen rectangles,
 * lines and labels need no charting library, and the page must work offline with no script from
 * anywhere. Pure: counts in, markup out.
 */
import type { KeyAgeCount } from '../core/audit-report.js';
import { escapeHtml } from './escape.js';

/** A policy age worth marking, e.g. KEY_ROTATION's maximum age. */
export interface AgeThreshold {
  readonly ageDays: number;
  readonly label: string;
  /** `limit` is the audit's own threshold (drawn solid); `lifecycle` a remediation stage (dashed). */
  readonly kind: 'limit' | 'lifecycle';
}

interface AgeBucket {
  /** First age in the bucket (whole days). */
  readonly fromDays: number;
  /** Last age in the bucket, inclusive. */
  readonly toDays: number;
  /** Keys at most `limitDays` old (compliant with the age limit). */
  readonly withinLimit: number;
  /** Keys older than `limitDays`. */
  readonly overLimit: number;
}

const WIDTHS = [1, 2, 5, 7, 10, 14, 15, 30, 60, 90, 180, 365, 730];
const MAX_BUCKETS = 40;

/**
 * Buckets of one width (the smallest from a fixed list giving at most 40 bars) from age 0 to past
 * the oldest key and the largest threshold; each bucket splits its keys at `limitDays`.
 */
export function bucketAges(
  ages: readonly KeyAgeCount[],
  limitDays: number,
  thresholds: readonly number[],
): AgeBucket[] {
  const oldest = ages.at(-1)?.ageDays ?? 0;
  const span = Math.max(oldest, ...thresholds) + 1;
  const width = WIDTHS.find((w) => Math.ceil(span / w) <= MAX_BUCKETS) ?? Math.ceil(span / MAX_BUCKETS);
  const count = Math.max(1, Math.ceil(span / width));
  const buckets = Array.from({ length: count }, (_, i) => ({
    fromDays: i * width,
    toDays: i * width + width - 1,
    withinLimit: 0,
    overLimit: 0,
  }));
  for (const { ageDays, keys } of ages) {
    const bucket = buckets[Math.min(count - 1, Math.floor(ageDays / width))];
    if (bucket === undefined) continue;
    if (ageDays > limitDays) bucket.overLimit += keys;
    else bucket.withinLimit += keys;
  }
  return buckets;
}

const W = 960;
const PLOT_H = 220;
const LABEL_ROW = 13;

/** The SVG: stacked bars (within / over the limit), threshold lines with labels, axes. */
export function renderAgeHistogram(
  ages: readonly KeyAgeCount[],
  limitDays: number,
  thresholds: readonly AgeThreshold[],
): string {
  const buckets = bucketAges(
    ages,
    limitDays,
    thresholds.map((t) => t.ageDays),
  );
  const first = buckets[0];
  const last = buckets.at(-1);
  if (first === undefined || last === undefined) return '';
  const domainEnd = last.toDays + 1;
  // Threshold labels sit in rows above the plot, one row each, so close thresholds never overlap.
  const M = { top: 10 + LABEL_ROW * thresholds.length, right: 16, bottom: 44, left: 48 };
  const H = M.top + PLOT_H + M.bottom;
  const plotW = W - M.left - M.right;
  const plotH = PLOT_H;
  const x = (days: number) => M.left + (days / domainEnd) * plotW;
  const maxCount = Math.max(1, ...buckets.map((b) => b.withinLimit + b.overLimit));
  const y = (n: number) => M.top + plotH - (n / maxCount) * plotH;
  const parts: string[] = [];
  const total = ages.reduce((n, a) => n + a.keys, 0);

  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" class="histogram" ` +
      `aria-labelledby="histogram-title" data-total="${total}">`,
    `<title id="histogram-title">Active access keys by age: ${total} keys</title>`,
  );
  // y axis: 0, half, max
  for (const n of uniqueTicks(maxCount)) {
    parts.push(
      `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${fmt(y(n))}" y2="${fmt(y(n))}"/>`,
      `<text class="tick" x="${M.left - 6}" y="${fmt(y(n) + 4)}" text-anchor="end">${n}</text>`,
    );
  }
  for (const b of buckets) {
    const x0 = x(b.fromDays) + 1;
    const bw = Math.max(1, x(b.toDays + 1) - x(b.fromDays) - 2);
    const range = b.fromDays === b.toDays ? `${b.fromDays} days` : `${b.fromDays}–${b.toDays} days`;
    const tip = `${range}: ${b.withinLimit + b.overLimit} active keys (${b.overLimit} older than ${limitDays} days)`;
    parts.push(
      `<g class="bucket" data-from="${b.fromDays}" data-to="${b.toDays}" data-count="${b.withinLimit + b.overLimit}">` +
        `<title>${escapeHtml(tip)}</title>`,
    );
    if (b.withinLimit > 0) {
      parts.push(
        `<rect class="bar ok" x="${fmt(x0)}" width="${fmt(bw)}" y="${fmt(y(b.withinLimit))}" height="${fmt(y(0) - y(b.withinLimit))}"/>`,
      );
    }
    if (b.overLimit > 0) {
      const top = b.withinLimit + b.overLimit;
      parts.push(
        `<rect class="bar over" x="${fmt(x0)}" width="${fmt(bw)}" y="${fmt(y(top))}" height="${fmt(y(b.withinLimit) - y(top))}"/>`,
      );
    }
    parts.push('</g>');
  }
  // x axis: a label every few buckets, always the first and the end
  const every = Math.ceil(buckets.length / 10);
  parts.push(`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${y(0)}" y2="${y(0)}"/>`);
  buckets.forEach((b, i) => {
    if (i % every !== 0) return;
    parts.push(
      `<text class="tick" x="${fmt(x(b.fromDays))}" y="${y(0) + 16}" text-anchor="middle">${b.fromDays}</text>`,
    );
  });
  parts.push(
    `<text class="tick" x="${fmt(x(domainEnd))}" y="${y(0) + 16}" text-anchor="end">${domainEnd}</text>`,
    `<text class="axis-label" x="${fmt(M.left + plotW / 2)}" y="${H - 6}" text-anchor="middle">age of the key (days since it was created)</text>`,
  );
  // thresholds: a vertical line where the first age past each one begins, its label in its own row
  [...thresholds]
    .sort((a, b) => a.ageDays - b.ageDays)
    .forEach((t, i) => {
      const tx = x(t.ageDays + 1);
      const ty = 10 + LABEL_ROW * i + 9;
      const right = tx > W * 0.7;
      parts.push(
        `<g class="threshold ${t.kind}" data-age="${t.ageDays}">` +
          `<line x1="${fmt(tx)}" x2="${fmt(tx)}" y1="${ty - 9}" y2="${y(0)}"/>` +
          `<text x="${fmt(right ? tx - 4 : tx + 4)}" y="${ty}" text-anchor="${right ? 'end' : 'start'}">` +
          `${escapeHtml(t.label)}</text></g>`,
      );
    });
  parts.push('</svg>');
  return parts.join('\n');
}

function uniqueTicks(max: number): number[] {
  return [...new Set([0, Math.round(max / 2), max])];
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
