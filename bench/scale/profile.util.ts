// SCALE_PROFILE=<path prefix>: a V8 CPU profile of one phase of a server
// process (connect, publish), taken in-process through the inspector because
// the runner ends servers with SIGKILL (so --cpu-prof would never write).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

let session: Session | undefined;

/** The phases SCALE_PROFILE covers (SCALE_PROFILE_PHASES=connect,publish): profiling 100k accepts costs minutes. */
export function profiled(phase: 'connect' | 'publish', prefix: string | undefined): boolean {
  return prefix !== undefined && (process.env['SCALE_PROFILE_PHASES'] ?? 'connect,publish').split(',').includes(phase);
}

export async function startProfile(): Promise<void> {
  session ??= new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
}

/** Stops the profile started last and writes it to `file` (open it in Chrome DevTools or speedscope). */
export async function stopProfile(file: string): Promise<string> {
  if (!session) throw new Error('no profile was started');
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  return file;
}
