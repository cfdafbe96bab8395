/**
 * Test support: GitHub code scanning's documented ingestion rules for an uploaded SARIF file,
 * written down as checks (the OASIS schema says what SARIF is; these say what GitHub accepts).
 * Sources: docs.github.com "SARIF support for code scanning" (required properties, fingerprints,
 * consistent file paths) and "SARIF results exceed one or more limits" / "SARIF file is too large"
 * (limits); the error texts GitHub returns are kept as the checks' names, e.g.
 * "locationFromSarifResult: expected artifact location".
 */
import { gzipSync } from 'node:zlib';

/** GitHub's hard and display limits ("SARIF results exceed one or more limits"). */
export const GITHUB_SARIF_LIMITS = {
  runsPerFile: 20,
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  locationsPerResult: 1_000,
  /** Hard limit: a rule with more tags is rejected. */
  tagsPerRule: 20,
  /** Display limit: only the first 10 tags of a rule are kept. */
  tagsShownPerRule: 10,
  /** "SARIF file is too large": the gzip-compressed upload is at most 10 MB. */
  gzipBytes: 10 * 1024 * 1024,
} as const;

interface Loose {
  readonly [key: string]: unknown;
}

const asObject = (v: unknown): Loose => (typeof v === 'object' && v !== null ? (v as Loose) : {});
const asArray = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * A repository-relative URI reference, as GitHub maps an alert to a file: no scheme, no leading
 * `/`, no `..` segment, and only characters a URI reference may hold unescaped (a space, for one,
 * makes GitHub reject the file: `does not conform to the "uri-reference" format`).
 */
function isRepositoryRelativeUri(uri: string): boolean {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) return false;
  if (uri.startsWith('/')) return false;
  if (uri.split('/').some((segment) => segment === '..' || segment === '')) return false;
  return /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})+$/.test(uri);
}

/**
 * Every way `text` (a SARIF file) breaks GitHub's ingestion rules, one line each, named by the rule
 * (and, where GitHub has one, its error message); empty when GitHub would accept it.
 */
export function githubIngestionProblems(text: string): string[] {
  const problems: string[] = [];
  const L = GITHUB_SARIF_LIMITS;
  if (gzipSync(text).length > L.gzipBytes) problems.push('SARIF file is too large: more than 10 MB gzipped');
  const log = asObject(JSON.parse(text) as unknown);
  if (log.version !== '2.1.0') problems.push(`version: must be 2.1.0 (got ${String(log.version)})`);
  const runs = asArray(log.runs);
  if (runs.length === 0) problems.push('runs: at least one run');
  if (runs.length > L.runsPerFile) problems.push(`runs: more runs than allowed (${runs.length} > 20)`);
  runs.forEach((runValue, r) => {
    const run = asObject(runValue);
    const at = `runs[${r}]`;
    if (run.originalUriBaseIds !== undefined) {
      problems.push(`${at}.originalUriBaseIds: not supported by code scanning`);
    }
    const driver = asObject(asObject(run.tool).driver);
    if (!nonEmptyString(driver.name)) problems.push(`${at}.tool.driver.name: required`);
    const rules = asArray(driver.rules);
    if (rules.length > L.rulesPerRun) problems.push(`${at}: rule limit (${rules.length} > 25000)`);
    rules.forEach((ruleValue, i) => {
      const rule = asObject(ruleValue);
      const where = `${at}.tool.driver.rules[${i}]`;
      if (!nonEmptyString(rule.id)) problems.push(`${where}.id: required`);
      const properties = asObject(rule.properties);
      const tags = asArray(properties.tags);
      if (tags.length > L.tagsPerRule) problems.push(`${where}: rule tag limits (${tags.length} > 20)`);
      if (tags.length > L.tagsShownPerRule) {
        problems.push(`${where}: rule tags exceed limits (${tags.length} > 10 shown)`);
      }
      const score = properties['security-severity'];
      if (score !== undefined) {
        const n = Number(score);
        if (typeof score !== 'string' || !Number.isFinite(n) || n < 0 || n > 10) {
          problems.push(`${where}.properties.security-severity: a number from 0.0 to 10.0, as a string`);
        }
      }
    });
    const results = asArray(run.results);
    if (results.length > L.resultsPerRun) problems.push(`${at}: result limits (${results.length} > 25000)`);
    results.forEach((resultValue, i) => {
      const result = asObject(resultValue);
      const where = `${at}.results[${i}]`;
      if (!nonEmptyString(asObject(result.message).text)) problems.push(`${where}.message.text: required`);
      if (!nonEmptyString(result.ruleId)) problems.push(`${where}.ruleId: required`);
      if (typeof result.ruleIndex === 'number' && asObject(rules[result.ruleIndex]).id !== result.ruleId) {
        problems.push(`${where}.ruleIndex: must point at the rule named by ruleId`);
      }
      const fingerprints = asObject(result.partialFingerprints);
      if (Object.keys(fingerprints).length === 0) {
        problems.push(`${where}.partialFingerprints: required (else GitHub computes them from source files)`);
      }
      const locations = asArray(result.locations);
      if (locations.length === 0) {
        problems.push(`${where}: locationFromSarifResult: expected at least one location`);
      }
      if (locations.length > L.locationsPerResult) problems.push(`${where}: location limit (> 1000)`);
      locations.forEach((locationValue, j) => {
        const physical = asObject(asObject(locationValue).physicalLocation);
        const artifact = asObject(physical.artifactLocation);
        const wherePhysical = `${where}.locations[${j}].physicalLocation`;
        if (!nonEmptyString(artifact.uri)) {
          problems.push(`${wherePhysical}: locationFromSarifResult: expected artifact location`);
        } else if (!isRepositoryRelativeUri(artifact.uri)) {
          problems.push(
            `${wherePhysical}.artifactLocation.uri: not a repository-relative URI (${artifact.uri})`,
          );
        }
        const region = physical.region;
        if (region !== undefined) {
          const startLine = asObject(region).startLine;
          if (typeof startLine !== 'number' || !Number.isInteger(startLine) || startLine < 1) {
            problems.push(`${wherePhysical}.region.startLine: an integer of at least 1`);
          }
        }
      });
    });
  });
  return problems;
}
