// The whole suite, as `npm test` runs it: strict type-check, then jest (native
// ESM) on Express, the integration suites again on Fastify, the pipeline suites
// on the lowest Nest, then one plain "N passed, N failed" line for CI (every pass
// added up). Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { installLowestNest, LOWEST_NEST, lowestNestJestArgs } from './nest-versions.mjs';

// Bounded: a leaked handle must fail the run, not hang it (jest has no such limit).
const SUITE_TIMEOUT_MS = 20 * 60 * 1000;

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env, timeout: SUITE_TIMEOUT_MS, killSignal: 'SIGKILL' });
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

/** One jest run (`args` after jest.js, writing `results`): its counts. */
function jestRun(name, args, results, env) {
  rmSync(results, { force: true });
  const status = run(
    process.execPath,
    ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', 'node_modules/jest/bin/jest.js', ...args],
    { ...process.env, ...env },
  );
  if (!existsSync(results)) return { name, status: status || 1, passed: 0, failed: 1, skipped: 0, note: 'jest wrote no results' };
  const json = JSON.parse(readFileSync(results, 'utf8'));
  rmSync(results, { force: true });
  return { name, status, passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests + json.numTodoTests };
}

/** One platform pass over `config`, with the command line's extra arguments. */
function jestPass(name, config, env, extra) {
  const results = `.jest-results.${name}.json`;
  console.log(`\n> jest on ${name}`);
  return jestRun(name, ['--config', config, '--json', `--outputFile=${results}`, ...extra, ...process.argv.slice(2)], results, env);
}

// A matrix inside `npm test`: everything on Express, then the integration
// suites again on Fastify (JSONRPC_TEST_PLATFORMS=express skips that pass).
const platforms = (process.env.JSONRPC_TEST_PLATFORMS ?? 'express,fastify').split(',');
const { EXPRESS_ONLY } = await import('./jest.fastify.config.js');
const passes = [];
if (platforms.includes('express')) passes.push(jestPass('express', 'test/jest.config.js', { JSONRPC_TEST_PLATFORM: 'express' }, []));
if (platforms.includes('fastify')) {
  for (const [file, reason] of Object.entries(EXPRESS_ONLY)) console.log(`(fastify pass leaves out ${file}: ${reason})`);
  // passWithNoTests: a focused run on a unit test has nothing to repeat on Fastify.
  passes.push(jestPass('fastify', 'test/jest.fastify.config.js', { JSONRPC_TEST_PLATFORM: 'fastify' }, ['--passWithNoTests']));
}

// The pipeline suites again on the lowest @nestjs/core of the peer range (the
// main run used the highest, from the lockfile). Only on a whole-suite run.
if (process.argv.length <= 2) {
  console.log(`\n> pipeline suites on @nestjs/core ${LOWEST_NEST} (the lowest the peer range admits)`);
  const install = installLowestNest();
  if (!install.ok) {
    console.log(`${process.env.CI === 'true' ? '' : '*** '}could not install @nestjs/*@${LOWEST_NEST}: ${install.why}`);
    if (process.env.CI === 'true') passes.push({ name: `nest ${LOWEST_NEST}`, status: 1, passed: 0, failed: 1, skipped: 0, note: 'not installed' });
    else {
      console.warn('*** the pipeline suites were NOT run on the lowest Nest (no registry?) ***');
      passes.push({ name: `nest ${LOWEST_NEST}`, status: 0, passed: 0, failed: 0, skipped: 1, note: 'not installed' });
    }
  } else {
    const results = '.jest-results-lowest.json';
    passes.push(jestRun(`nest ${LOWEST_NEST}`, lowestNestJestArgs(results), results, { NEST_LOWEST: LOWEST_NEST }));
  }
}

const line = (p) => `${p.passed} passed, ${p.failed} failed${p.skipped ? `, ${p.skipped} skipped` : ''}${p.note ? ` (${p.note})` : ''}`;
for (const p of passes) console.log(`${p.name}: ${line(p)}`);
const total = passes.reduce(
  (sum, p) => ({ passed: sum.passed + p.passed, failed: sum.failed + p.failed, skipped: sum.skipped + p.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
if (total.failed === 0 && passes.some((p) => p.status !== 0)) total.failed = 1; // jest failed outside any test (a suite that did not load)
console.log(line(total));
process.exit(passes.some((p) => p.status !== 0) ? 1 : 0);
