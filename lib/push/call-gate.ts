import type { JsonRpcCallContext } from '../context/json-rpc-call-context.js';

/** The socket as the gate sees it: it stops and restarts reading. */
export interface ReadableSocket {
  pause(): void;
  resume(): void;
  readonly isOpen: boolean;
}

/** A `ws` socket as the gate sees it: one small object per connection rather than an object and three closures. */
export class PausableSocket implements ReadableSocket {
  constructor(private readonly socket: { pause(): void; resume(): void; readonly readyState: number }) {}

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  get isOpen(): boolean {
    return this.socket.readyState === 1; // WebSocket.OPEN
  }
}

/**
 * `maxInFlightPerConnection` for one connection, exactly: at the limit the
 * socket is not read (backpressure, not errors); frames `ws` had already
 * buffered wait here, and so do the next items of a batch.
 */
export class CallGate {
  private paused = false;
  /** Frames read while at the limit (what the socket had buffered when paused). */
  private waiting: string[] | undefined;
  /** Created with the first call: most connections of a large fleet only listen. */
  private running: Set<JsonRpcCallContext> | undefined;
  /** Batch items waiting for a slot. */
  private waiters: Array<() => void> | undefined;
  private closed = false;

  constructor(
    private readonly socket: ReadableSocket,
    private readonly limit: number,
    private readonly dispatch: (text: string) => void,
  ) {}

  get inFlight(): number {
    return this.running?.size ?? 0;
  }

  /** Not read while at the limit: alive by definition, whatever the heartbeat saw. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** A frame from the socket: handled now, or held while the limit's worth of calls run. */
  receive(text: string): void {
    if (this.waiting?.length || this.inFlight >= this.limit) {
      (this.waiting ??= []).push(text);
      this.pause();
      return;
    }
    this.dispatch(text);
  }

  track(ctx: JsonRpcCallContext): void {
    (this.running ??= new Set()).add(ctx);
    if (this.running.size >= this.limit) this.pause();
  }

  /** The running call with this request id (`rpc.cancel`). */
  find(id: string | number): JsonRpcCallContext | undefined {
    for (const ctx of this.running ?? []) if (ctx.id === id) return ctx;
    return undefined;
  }

  untrack(ctx: JsonRpcCallContext): void {
    this.running?.delete(ctx);
    this.wake();
    const waiting = this.waiting;
    while (waiting?.length && this.inFlight < this.limit) this.dispatch(waiting.shift()!);
    if (this.paused && !waiting?.length && this.inFlight < this.limit) {
      this.paused = false;
      if (this.socket.isOpen) this.socket.resume();
    }
  }

  /**
   * For a batch's next item: undefined when a slot is free, else a Promise that
   * settles once one is (checked again on wake-up: a frame read meanwhile may
   * have taken it).
   */
  whenCapacity(): Promise<void> | undefined {
    return this.inFlight < this.limit ? undefined : this.waitForCapacity();
  }

  /** The connection is gone: the running calls are returned to be aborted, waiters let go. */
  close(): JsonRpcCallContext[] {
    this.closed = true;
    this.waiting = undefined;
    this.wake();
    const running = [...(this.running ?? [])];
    this.running = undefined;
    return running;
  }

  private async waitForCapacity(): Promise<void> {
    while (!this.closed && this.inFlight >= this.limit) {
      await new Promise<void>((resolve) => (this.waiters ??= []).push(resolve));
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = undefined;
    for (const wake of waiters ?? []) wake();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }
}
