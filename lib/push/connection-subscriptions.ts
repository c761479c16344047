import { consume, type SourceObserver, type SubscriptionSource } from './subscription-source.js';

/**
 * The live subscriptions of one connection. A subscribe call reserves its slot
 * before its pipeline awaits (guards, pipes, the handler) and fills it after:
 * counting only live ones would let one batch of subscribe calls, all checked
 * before any registers, run far past `maxSubscriptionsPerConnection`.
 */
export class ConnectionSubscriptions {
  private readonly live = new Map<string, () => void>();
  private reserved = 0;
  private nextId = 1;
  private closed = false;

  /** `schedule` runs a subscription's start, now or later (the outbox defers it while busy). */
  constructor(private readonly schedule: (start: () => void) => void) {}

  /** Live ones plus those reserved by subscribe calls still running. */
  get count(): number {
    return this.live.size + this.reserved;
  }

  /** Takes a slot if fewer than `limit` are live or reserved. */
  reserve(limit: number): boolean {
    if (this.count >= limit) return false;
    this.reserved++;
    return true;
  }

  /** Gives back a slot of a subscribe call that failed. */
  unreserve(): void {
    if (this.reserved > 0) this.reserved--;
  }

  /**
   * Registers a subscription in a reserved slot; `start()` begins consuming
   * (after its id was sent), through `schedule` (which may defer it).
   */
  add(source: SubscriptionSource, observer: (id: string) => SourceObserver): { id: string; start(): void } {
    this.unreserve();
    const id = String(this.nextId++);
    let teardown: (() => void) | undefined;
    let stopped = false;
    this.live.set(id, () => {
      stopped = true;
      teardown?.();
    });
    const run = () => {
      if (stopped || this.closed) return;
      const inner = observer(id);
      teardown = consume(source, {
        next: (value) => inner.next(value),
        error: (error) => {
          this.live.delete(id);
          inner.error(error);
        },
        complete: () => {
          this.live.delete(id);
          inner.complete();
        },
      });
      if (stopped) teardown(); // completed or cancelled synchronously while starting
    };
    return { id, start: () => this.schedule(run) };
  }

  unsubscribe(id: string): boolean {
    const stop = this.live.get(id);
    if (!stop) return false;
    this.live.delete(id);
    stop();
    return true;
  }

  /** Stops every subscription (the connection is gone). */
  stopAll(): void {
    this.closed = true;
    for (const stop of this.live.values()) stop();
    this.live.clear();
    this.reserved = 0;
  }
}
