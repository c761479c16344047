import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs this project's jest (same config, same flags as `npm test`) on one fixture file. */
function jestOn(fixture: string): { status: number | null; failed: number; passed: number; output: string } {
  const run = spawnSync(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--disable-warning=ExperimentalWarning',
      'node_modules/jest/bin/jest.js',
      '--config',
      'test/jest.config.js',
      '--testMatch',
      `<rootDir>/test/fixtures/leaks/${fixture}`,
      '--json',
      '--ci',
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  const json = run.stdout.slice(run.stdout.indexOf('{'));
  const results = JSON.parse(json) as { numFailedTests: number; numPassedTests: number; numRuntimeErrorTestSuites: number };
  return { status: run.status, failed: results.numFailedTests + results.numRuntimeErrorTestSuites, passed: results.numPassedTests, output: run.stderr };
}

/**
 * The suite relies on jest 30 failing any test during which an unhandled
 * rejection or uncaught exception happens in the test process (the server runs
 * in that process): this keeps that from regressing silently.
 */
describe('the test runner fails on errors nobody handled', () => {
  it('a rejection leaked from a timer after the test body ended fails the run', () => {
    const run = jestOn('rejection.leak.ts');
    expect(run.status).not.toBe(0);
    expect(run.failed).toBeGreaterThan(0);
    expect(run.output).toContain('leaked rejection');
  }, 60_000);

  it('an exception thrown from a timer fails the run', () => {
    const run = jestOn('uncaught.leak.ts');
    expect(run.status).not.toBe(0);
    expect(run.failed).toBeGreaterThan(0);
    expect(run.output).toContain('uncaught from a timer');
  }, 60_000);

  it('the same runner passes a file that leaks nothing (control)', () => {
    const run = jestOn('clean.leak.ts');
    expect(run).toMatchObject({ status: 0, failed: 0, passed: 1 });
  }, 60_000);
});
