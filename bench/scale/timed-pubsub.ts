// Cluster mode of the scale bench: each worker gets a published frame from
// Redis and writes it to its own sockets. The runner wants to know when the
// last worker had written the last frame, so each worker notes when its
// fan-out for the k-th frame ended (after the writes corked until the end of
// the tick went out too, as the single-process bench measures it).
import type { JsonRpcPubSub } from '../../lib/index.js';
import { nowNs } from './ipc.util.js';

/** One fan-out: when its writes had left, and the CPU it took (user + system µs). */
export interface FanOut {
  sentNs: string;
  cpuUs: number;
}

const cpuNow = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** When this process finished writing each frame, in order of arrival, and at what CPU cost. */
export class DeliveryClock {
  private readonly done: FanOut[] = [];
  private readonly waiters = new Map<number, (fanOut: FanOut) => void>();

  /** Runs one fan-out and notes when its writes left (the next turn of the loop). */
  timed(fanOut: () => void): void {
    const cpuStart = cpuNow();
    fanOut();
    setImmediate(() => {
      const k = this.done.push({ sentNs: nowNs(), cpuUs: cpuNow() - cpuStart }) - 1;
      this.waiters.get(k)?.(this.done[k]!);
      this.waiters.delete(k);
    });
  }

  /** The k-th fan-out (from 0) once written; rejects after `timeoutMs` without it. */
  written(k: number, timeoutMs: number): Promise<FanOut> {
    const at = this.done[k];
    if (at) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (this.waiters.delete(k), reject(new Error(`frame ${k} not delivered within ${timeoutMs} ms`))), timeoutMs);
      this.waiters.set(k, (fanOut) => (clearTimeout(timer), resolve(fanOut)));
    });
  }
}

/** The library's adapter with each incoming frame's fan-out timed (bench only: the adapter itself is untouched). */
export class TimedPubSub implements JsonRpcPubSub {
  constructor(
    private readonly inner: JsonRpcPubSub,
    private readonly clock: DeliveryClock,
  ) {}

  publish(topic: string, message: string): Promise<void> {
    return this.inner.publish(topic, message);
  }

  subscribe(topic: string, onMessage: (message: string) => void): Promise<void> {
    return this.inner.subscribe(topic, (message) => this.clock.timed(() => onMessage(message)));
  }

  unsubscribe(topic: string): Promise<void> {
    return this.inner.unsubscribe(topic);
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
