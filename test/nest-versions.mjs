// The pipeline suites (the differential test against Nest's own
// ExternalContextCreator, and the contract against a controller) on the LOWEST
// Nest the peer range admits. The highest is what package-lock.json installs
// and the main run uses. `npm test` calls this after the main run.
//
// The lowest @nestjs/{common,core,platform-express} are installed into
// .nest-lowest/ (git-ignored), and jest maps every import of them (ours and
// Nest's own) there; rxjs and reflect-metadata stay the project's single copies.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOWEST_NEST = '12.2.0';
const PACKAGES = ['common', 'core', 'platform-express'];
const DIR = '.nest-lowest';
const SUITES = ['test/integration/pipeline-differential.spec.ts', 'test/integration/pipeline-contract.spec.ts'];

function installed() {
  return PACKAGES.every((name) => {
    const manifest = join(DIR, 'node_modules', '@nestjs', name, 'package.json');
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === LOWEST_NEST;
  });
}

/** Installs the lowest Nest once; answers false (and why) when the registry cannot be reached. */
export function installLowestNest() {
  if (installed()) return { ok: true };
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, 'package.json'), JSON.stringify({ name: 'nest-lowest', private: true }));
  const specs = PACKAGES.map((name) => `@nestjs/${name}@${LOWEST_NEST}`);
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--legacy-peer-deps', '--no-package-lock', ...specs], {
    cwd: DIR,
    encoding: 'utf8',
    timeout: 180_000,
  });
  // One rxjs and one reflect-metadata in the process: the project's.
  for (const shared of ['rxjs', 'reflect-metadata']) rmSync(join(DIR, 'node_modules', shared), { recursive: true, force: true });
  if (npm.status === 0 && installed()) return { ok: true };
  return { ok: false, why: (npm.stderr || npm.error?.message || 'npm install failed').trim().split('\n').slice(-3).join(' | ') };
}

/** jest arguments for the pipeline suites on the lowest Nest. */
export function lowestNestJestArgs(resultsFile) {
  const mapper = { '^@nestjs/(common|core|platform-express)((?:/.*)?)$': `<rootDir>/${DIR}/node_modules/@nestjs/$1$2`, '^(\\.{1,2}/.*)\\.js$': '$1' };
  return ['--config', 'test/jest.config.js', '--moduleNameMapper', JSON.stringify(mapper), '--json', `--outputFile=${resultsFile}`, ...SUITES];
}
