import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** What a server reports about itself; heap and RSS after a full GC (run with --expose-gc). */
export interface ServerStats {
  rss: number;
  heapUsed: number;
  /** V8 heap reserved (RSS counts it whether used or not). */
  heapTotal: number;
  /** Memory outside the JS heap held by JS objects (Buffers, ws frames). */
  external: number;
  /** Peak RSS since start (VmHWM). */
  peakRss: number;
  /** User + system CPU microseconds so far. */
  cpuUs: number;
  connections: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

export async function serverStats(connections: number, collect = true): Promise<ServerStats> {
  if (collect && gc) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external, peakRss: Number(hwm?.[1] ?? 0) * 1024, cpuUs: cpu.user + cpu.system, connections };
}

/** Event-loop delay p99 per window: `take()` returns it in ms and starts a new window. */
export function loopDelay(): { take(): number; reset(): void } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    take() {
      const p99 = histogram.percentile(99) / 1e6;
      histogram.reset();
      return p99;
    },
    reset: () => histogram.reset(),
  };
}
