import { spawnSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium: test/run-tests.mjs installs it when missing (no browser download). */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless run in a container: no sandbox, no GPU, nothing that reaches the network by itself. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const hasChromium = spawnSync('sh', ['-c', `command -v ${CHROMIUM}`], { stdio: 'ignore' }).status === 0;

/**
 * `describe` when Chromium is there or under CI=true (where its absence must
 * fail the run), else `describe.skip` with a loud line.
 */
export function describeWithChromium(what: string): jest.Describe {
  if (hasChromium || process.env['CI'] === 'true') return describe;
  console.warn(`*** ${CHROMIUM} not found: ${what} is SKIPPED (apt-get install -y chromium) ***`);
  return describe.skip;
}

/** A headless browser; each test context from `browser.newContext()` has its own storage (a second user). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
