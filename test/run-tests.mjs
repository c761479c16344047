// The whole suite, as `npm test` runs it: strict type-check, then jest (native
// ESM), then one plain "N passed, N failed" line for CI. Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { installLowestNest, LOWEST_NEST, lowestNestJestArgs } from './nest-versions.mjs';

const RESULTS = '.jest-results.json';
// Bounded: a leaked handle must fail the run, not hang it (jest has no such limit).
const SUITE_TIMEOUT_MS = 20 * 60 * 1000;

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', timeout: SUITE_TIMEOUT_MS, killSignal: 'SIGKILL' });
  if (result.error) console.error(`${command}: ${result.error.message}`);
  return result.status ?? 1;
}

// System services the tests need, from Debian's packages. Installed when
// missing and we may (root + apt-get); otherwise CI fails, a local run skips.
function has(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

function ensureDebianPackage(bin, pkg) {
  if (has(bin)) return;
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log(`> ${bin} is missing: apt-get install -y ${pkg}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env });
  }
  if (has(bin)) return;
  if (process.env.CI === 'true') {
    console.log(`${bin} is required under CI and could not be installed (apt-get install -y ${pkg})`);
    console.log('0 passed, 1 failed (missing system service)');
    process.exit(1);
  }
  console.warn(`\n*** ${bin} NOT FOUND: its tests will be SKIPPED. Install it with: sudo apt-get install -y ${pkg} ***\n`);
}

ensureDebianPackage('redis-server', 'redis-server');
ensureDebianPackage('chromium', 'chromium'); // the client's browser-bundle test (playwright-core)

console.log('> tsc --noEmit (strict)');
if (run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']) !== 0) {
  console.log('0 passed, 1 failed (type-check)');
  process.exit(1);
}

rmSync(RESULTS, { force: true });
const status = run(process.execPath, [
  '--experimental-vm-modules',
  '--disable-warning=ExperimentalWarning',
  'node_modules/jest/bin/jest.js',
  '--config',
  'test/jest.config.js',
  '--json',
  `--outputFile=${RESULTS}`,
  ...process.argv.slice(2),
]);

if (!existsSync(RESULTS)) {
  console.log('0 passed, 1 failed (jest wrote no results)');
  process.exit(status || 1);
}
const results = JSON.parse(readFileSync(RESULTS, 'utf8'));
let passed = results.numPassedTests;
let failed = results.numFailedTests;
let skipped = results.numPendingTests + results.numTodoTests;
let exitStatus = status;

// The pipeline suites again on the lowest @nestjs/core of the peer range (the
// main run used the highest, from the lockfile). Only on a whole-suite run.
if (process.argv.length <= 2) {
  const LOWEST_RESULTS = '.jest-results-lowest.json';
  console.log(`> pipeline suites on @nestjs/core ${LOWEST_NEST} (the lowest the peer range admits)`);
  const install = installLowestNest();
  if (!install.ok) {
    console.log(`${process.env.CI === 'true' ? '' : '*** '}could not install @nestjs/*@${LOWEST_NEST}: ${install.why}`);
    if (process.env.CI === 'true') {
      failed += 1;
      exitStatus ||= 1;
    } else {
      console.warn('*** the pipeline suites were NOT run on the lowest Nest (no registry?) ***');
      skipped += 1;
    }
  } else {
    rmSync(LOWEST_RESULTS, { force: true });
    const lowest = spawnSync(process.execPath, ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', 'node_modules/jest/bin/jest.js', ...lowestNestJestArgs(LOWEST_RESULTS)], {
      stdio: 'inherit',
      timeout: SUITE_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      env: { ...process.env, NEST_LOWEST: LOWEST_NEST },
    });
    const counts = existsSync(LOWEST_RESULTS) ? JSON.parse(readFileSync(LOWEST_RESULTS, 'utf8')) : { numPassedTests: 0, numFailedTests: 1 };
    passed += counts.numPassedTests;
    failed += counts.numFailedTests;
    exitStatus ||= lowest.status ?? 1;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(exitStatus);
