// Runner <-> pinned child processes over Node's IPC channel: one request at a
// time per child, answered by a message with the same `seq`.
import { type ChildProcess, spawn } from 'node:child_process';

export interface Pinned {
  child: ChildProcess;
  ask<T>(message: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  exited: Promise<number | null>;
}

let seq = 0;

/** Starts `dist/bench/<script>` pinned to `core` (taskset), with an IPC channel. */
export function startPinned(script: string, core: number, env: Record<string, string> = {}, nodeArgs: string[] = []): Pinned {
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs, `dist/bench/${script}`], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ask = <T>(message: Record<string, unknown>, timeoutMs = 600_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++seq;
      const timer = setTimeout(() => done(new Error(`${script}: no answer to ${String(message['cmd'])} within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (reply: { seq?: number; error?: string } & Record<string, unknown>) => {
        if (reply.seq !== id) return;
        done(reply.error ? new Error(`${script}: ${reply.error}`) : undefined, reply as T);
      };
      const onExit = (code: number | null) => done(new Error(`${script} exited (${code}) during ${String(message['cmd'])}`));
      function done(error: Error | undefined, value?: T): void {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve(value!);
      }
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ ...message, seq: id });
    });
  return { child, ask, exited };
}

/** In a child: answers each request with what `handle` returns (or its error). */
export function serve(handle: (message: { cmd: string } & Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>): void {
  process.on('message', (message: { cmd: string; seq: number } & Record<string, unknown>) => {
    Promise.resolve()
      .then(() => handle(message))
      .then(
        (reply) => process.send!({ ...reply, seq: message.seq }),
        (error: unknown) => process.send!({ error: error instanceof Error ? error.message : String(error), seq: message.seq }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}

/** Monotonic nanoseconds shared by every process on the machine (CLOCK_MONOTONIC). */
export const nowNs = (): string => process.hrtime.bigint().toString();

/** Loopback source addresses 127.0.<block>.2 .. for the load side: each has its own ephemeral port range. */
export function sourceAddresses(block: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.${block}.${i + 2}`);
}
