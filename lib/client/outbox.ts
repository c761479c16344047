import type { PendingCall, PendingCalls } from './pending-calls.js';

/**
 * Auto-batching: calls enqueued in one tick leave together at the end of it,
 * in batches of at most `maxSize` (keep it at or below the server's
 * `maxBatchSize`, which answers a larger batch with one error). `maxSize` 0
 * sends each call at once.
 */
export class Outbox {
  private queued: PendingCall[] | undefined;

  constructor(
    private readonly maxSize: number,
    private readonly pending: PendingCalls,
    private readonly transmit: (calls: PendingCall[], text: string) => void,
  ) {}

  enqueue(call: PendingCall): void {
    if (this.maxSize === 0) return this.transmit([call], call.text);
    if (this.queued === undefined) {
      this.queued = [];
      queueMicrotask(() => this.flush());
    }
    this.queued.push(call);
  }

  private flush(): void {
    const calls = this.queued ?? [];
    this.queued = undefined;
    for (let i = 0; i < calls.length; i += this.maxSize) {
      // A call that timed out or was aborted within the tick is not sent.
      const chunk = calls.slice(i, i + this.maxSize).filter((call) => this.pending.get(call.id) === call);
      if (chunk.length > 0) this.transmit(chunk, chunk.length === 1 ? chunk[0]!.text : `[${chunk.map((c) => c.text).join(',')}]`);
    }
  }
}
