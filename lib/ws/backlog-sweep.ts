/** What the sweep asks of a watched outbox. */
export interface SweptOutbox {
  /** Acts on the backlog now; false once there is nothing left to watch (clear, or closed). */
  recheck(): boolean;
}

/**
 * The slow-consumer check between sends: a backlog that stopped growing still
 * counts, and values held back for a backlog are released once it clears,
 * even when nothing more is sent. It runs over the outboxes that are
 * backlogged or hold values back, not over every connection: an outbox
 * enters when a send leaves it over the threshold (or it holds a value
 * back) and leaves once clear, so a fleet that keeps up costs it nothing.
 */
export class BacklogSweep {
  private readonly watched = new Set<SweptOutbox>();
  private timer: NodeJS.Timeout | undefined = undefined;
  private stopped = false;

  constructor(private readonly everyMs: number) {}

  /** Checks `outbox` every `everyMs` until its `recheck()` says it is done. */
  watch(outbox: SweptOutbox): void {
    if (this.stopped) return;
    this.watched.add(outbox);
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), this.everyMs);
    this.timer.unref();
  }

  /** Draining: no more checks (the connections are about to close). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.watched.clear();
  }

  private sweep(): void {
    for (const outbox of this.watched) if (!outbox.recheck()) this.watched.delete(outbox);
    if (this.watched.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
