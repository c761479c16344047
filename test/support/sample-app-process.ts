import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// @ts-expect-error plain ESM build script without type declarations
import { buildWeb } from '../../sample-app/web/build-web.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The sample app built as `npm start` builds it (tsc, then the pages with
 * esbuild), into a temporary directory that sees the project's node_modules.
 * Returns the directory.
 */
export async function buildSampleApp(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'order-desk-'));
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], {
    encoding: 'utf8',
  });
  if (tsc.status !== 0) throw new Error(`building the sample app failed:\n${tsc.stdout}${tsc.stderr}`);
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  await (buildWeb as (outdir: string) => Promise<string>)(join(out, 'sample-app/web/public'));
  return out;
}

export interface SampleAppProcess {
  child: ChildProcess;
  port: number;
  stdout(): string;
  stderr(): string;
  /** How it ended: exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Why the process counts as crashed: a non-zero exit, or an uncaught error
   * on stderr. Undefined while it runs or after a clean end (exit 0, or the
   * SIGTERM that Nest's shutdown hooks re-raise after closing the app).
   */
  crash(): string | undefined;
}

/** Starts `node <build>/sample-app/main.js` on a free port and waits until it listens. */
export async function startSampleApp(build: string, env: Record<string, string> = {}): Promise<SampleAppProcess> {
  const child = spawn(process.execPath, [join(build, 'sample-app/main.js')], {
    cwd: build,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DB_FILE: join(build, `desk-${Date.now()}.sqlite`), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done((ended = { code, signal }))),
  );
  const crash = () => {
    if (/Uncaught|TypeError|ReferenceError|unhandled/i.test(err)) return `uncaught error on stderr:\n${err}`;
    if (!ended || ended.code === 0 || (ended.code === null && ended.signal === 'SIGTERM')) return undefined;
    return `exited with ${ended.code ?? ended.signal}:\n${err}`;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = /POST http:\/\/127\.0\.0\.1:(\d+)\/rpc/.exec(out);
    if (match) return { child, port: Number(match[1]), stdout: () => out, stderr: () => err, exited, crash };
    if (ended || Date.now() > deadline) throw new Error(`the sample app did not start: ${crash() ?? ''}\n${out}\n${err}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function removeBuild(build: string | undefined): void {
  if (build) rmSync(build, { recursive: true, force: true });
}
