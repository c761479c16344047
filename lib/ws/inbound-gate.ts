import type { RunningCalls, WsCallOrigin } from '../context/call-origin.js';
import type { JsonRpcCallContext } from '../context/json-rpc-call-context.js';
import type { FrameSink } from './frame-loop.js';

/** The socket as the gate sees it (a `ws` WebSocket): it stops and restarts reading. */
export interface ReadableSocket {
  pause(): void;
  resume(): void;
  readonly readyState: number;
}

/**
 * What comes in on one connection: `maxInFlightPerConnection`, exactly (at the
 * limit the socket is not read: backpressure, not errors; frames `ws` had
 * already buffered wait here, and so do the next items of a batch), the calls
 * running (for `rpc.cancel` and shutdown), and when the peer was last heard.
 */
export class InboundGate implements RunningCalls {
  /** Heartbeat: when the last frame or pong came in. */
  lastSeen = Date.now();
  /** Heartbeat: when the last ping went out (at first: when the connection opened). Fields, not a map entry: one per socket of a large fleet. */
  pingSentAt = this.lastSeen;
  /** Heartbeat: that ping is unanswered (no pong, no frame since). */
  pingOutstanding = false;
  private paused = false;
  /** Frames read while at the limit (what the socket had buffered when paused). */
  private waiting: string[] | undefined = undefined;
  /** Exists while calls run: most connections of a large fleet only listen. */
  private running: Set<JsonRpcCallContext> | undefined = undefined;
  /** Batch items waiting for a slot. */
  private waiters: Array<() => void> | undefined = undefined;
  private closed = false;

  constructor(
    private readonly socket: ReadableSocket,
    private readonly limit: number,
    private readonly sink: FrameSink,
    private readonly origin: WsCallOrigin,
  ) {}

  get inFlight(): number {
    return this.running?.size ?? 0;
  }

  /** Not read while at the limit: alive by definition, whatever the heartbeat saw. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** The peer answered a ping. */
  touch(): void {
    this.lastSeen = Date.now();
  }

  /** A frame from the socket: handled now, or held while the limit's worth of calls run. */
  receive(text: string): void {
    this.lastSeen = Date.now();
    if (this.waiting?.length || this.inFlight >= this.limit) {
      (this.waiting ??= []).push(text);
      this.pause();
      return;
    }
    this.sink.frame(this.origin, text);
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
    if (this.running?.delete(ctx) && this.running.size === 0) this.running = undefined;
    this.wake();
    const waiting = this.waiting;
    while (waiting?.length && this.inFlight < this.limit) this.sink.frame(this.origin, waiting.shift()!);
    if (this.paused && !waiting?.length && this.inFlight < this.limit) {
      this.paused = false;
      if (this.socket.readyState === 1) this.socket.resume(); // WebSocket.OPEN
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
