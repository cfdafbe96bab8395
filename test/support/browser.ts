/**
 * Test support: Debian's Chromium, headless, driven by playwright-core (which downloads no browser).
 * CI installs it (`.ci/run`); when it is missing, tests FAIL with the reason rather than skip.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** `KEYWARDEN_TEST_CHROMIUM` overrides where the browser is. */
export const CHROMIUM = process.env.KEYWARDEN_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep a headless Chromium quiet and offline on these machines. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile and a 1280×800 viewport. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: the browser tests need Debian's chromium (apt-get install -y chromium; .ci/run installs it), ` +
        'or set KEYWARDEN_TEST_CHROMIUM to a Chromium binary',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'kw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    offline: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
