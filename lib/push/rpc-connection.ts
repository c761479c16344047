import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { JsonRpcCallContext } from '../context/json-rpc-call-context.js';
import type { JsonRpcPrincipal } from '../interfaces/json-rpc-module-options.interface.js';
import { TokenBucket } from '../limits/token-bucket.js';
import type { JsonRpcConnection, RpcRequestOptions } from '../interfaces/json-rpc-connection.interface.js';
import { notificationText } from '../protocol/response.js';
import { ClientRequests } from './client-requests.js';
import type { ClientResponse } from '../protocol/validate-request.js';
import { consume, type SourceObserver, type SubscriptionSource } from './subscription-source.js';

/** Who keeps topic membership (the topic registry); the connection only delegates. */
export interface TopicMembership {
  join(connection: RpcConnection, topic: string): Promise<void>;
  leave(connection: RpcConnection, topic: string): Promise<void>;
}

const NO_TOPICS: ReadonlySet<string> = new Set();
const ignore = () => undefined;

function uncork(connection: RpcConnection, raw: Socket): void {
  connection.uncorked();
  raw.uncork();
}

/** A server-initiated close that the peer does not complete (it is not reading) ends in terminate() after this. */
const CLOSE_GRACE_MS = 2000;
/** setTimeout's ceiling (~24.8 days); a later expiry is re-armed when reached. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The limits a connection enforces on itself. */
export interface ConnectionLimits {
  maxInFlightPerConnection: number;
  ratePerSecond: number;
  rateBurst: number;
  slowConsumerBytes: number;
  slowConsumerMs: number;
}

/** What the connection reports to its owner (logs, metrics). */
export interface ConnectionEvents {
  slowConsumer(connection: RpcConnection): void;
}

/**
 * One live WebSocket and everything tied to it: topics, subscriptions, calls
 * in flight, server -> client requests. `dispose()` releases all of it, so a
 * disconnect leaves nothing behind.
 */
export class RpcConnection implements JsonRpcConnection {
  // An idle connection should cost little more than its socket: everything a
  // connection may never use (bag, topics, subscriptions, calls, requests) is
  // created on first use.
  readonly id = randomUUID();
  readonly bucket: TokenBucket;
  /** Heartbeat: when the last pong (or any frame) came in. */
  lastSeen = Date.now();
  private currentPrincipal: JsonRpcPrincipal | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private paused = false;
  /** Frames read while at the in-flight limit (what the socket had buffered when paused). */
  private waiting: string[] | undefined;
  private dispatch: (text: string) => void = ignore;
  /** Since when more than `slowConsumerBytes` have been waiting to be written. */
  private backloggedSince = 0;

  private bag: Record<string, unknown> | undefined;
  private joined: Set<string> | undefined;
  private subscriptions: Map<string, () => void> | undefined;
  private running: Set<JsonRpcCallContext> | undefined;
  private clientRequests: ClientRequests | undefined;
  /** Drop-oldest subscriptions waiting for the backlog to clear (run on the next send or sweep). */
  private heldBack: Set<() => void> | undefined;
  private flushing = false;
  private nextSubscriptionId = 1;
  private disposed = false;
  /** The code the server closed with, if it did: reported even when the peer never answers the close. */
  closeCode: number | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly upgradeRequest: IncomingMessage,
    private readonly membership: TopicMembership,
    private readonly limits: ConnectionLimits,
    private readonly events: ConnectionEvents,
    principal: JsonRpcPrincipal | undefined,
  ) {
    this.bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst);
    this.principal = principal;
  }

  get data(): Record<string, unknown> {
    return (this.bag ??= {});
  }

  get topics(): ReadonlySet<string> {
    return this.joined ?? NO_TOPICS;
  }

  /** Kept by the topic registry, which owns membership. */
  addTopic(topic: string): void {
    (this.joined ??= new Set()).add(topic);
  }

  removeTopic(topic: string): void {
    this.joined?.delete(topic);
  }

  get principal(): JsonRpcPrincipal | undefined {
    return this.currentPrincipal;
  }

  /** Sets who is connected; arms the expiry (close 1008 unless re-authenticated before). */
  set principal(principal: JsonRpcPrincipal | undefined) {
    this.currentPrincipal = principal;
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (principal?.expiresAt !== undefined) this.armExpiry(principal.expiresAt);
  }

  private armExpiry(expiresAt: number): void {
    const delay = expiresAt - Date.now();
    this.expiryTimer = setTimeout(
      () => (delay > MAX_TIMER_MS ? this.armExpiry(expiresAt) : this.close(1008, 'Authentication expired')),
      Math.max(0, Math.min(delay, MAX_TIMER_MS)),
    );
    this.expiryTimer.unref();
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get subscriptionCount(): number {
    return this.subscriptions?.size ?? 0;
  }

  /** Sends a frame; false when the socket is no longer open (or was just closed as a slow consumer). */
  sendText(text: string | Buffer): boolean {
    if (!this.isOpen || this.isSlowConsumer()) return false;
    if (!this.corked) this.cork();
    this.socket.send(text, { binary: false });
    return true;
  }

  /**
   * Frames sent in one tick leave in one write: a syscall per response is the
   * largest single cost under load. `ws` keeps its TCP socket as `_socket`.
   */
  private corked = false;

  private cork(): void {
    const raw = (this.socket as unknown as { _socket?: Socket })._socket;
    if (!raw) return;
    this.corked = true;
    raw.cork();
    process.nextTick(uncork, this, raw);
  }

  /** @internal the end of the tick that corked the socket */
  uncorked(): void {
    this.corked = false;
  }

  /** Sends an already-encoded UTF-8 text frame (fan-out encodes once for all members). */
  sendFrame(bytes: Buffer): boolean {
    return this.sendText(bytes);
  }

  /**
   * A client that does not read lets frames pile up in our memory. Over
   * `slowConsumerBytes` for longer than `slowConsumerMs`: close with 1008.
   */
  isSlowConsumer(): boolean {
    if (this.socket.bufferedAmount <= this.limits.slowConsumerBytes) {
      this.backloggedSince = 0;
      this.flushHeldBack();
      return false;
    }
    const now = Date.now();
    if (this.backloggedSince === 0) this.backloggedSince = now;
    if (now - this.backloggedSince < this.limits.slowConsumerMs) return false;
    this.events.slowConsumer(this);
    this.close(1008, 'Slow consumer');
    return true;
  }

  notify(method: string, params?: unknown): boolean {
    return this.sendText(notificationText(method, params));
  }

  join(topic: string): Promise<void> {
    return this.membership.join(this, topic);
  }

  leave(topic: string): Promise<void> {
    return this.membership.leave(this, topic);
  }

  close(code = 1000, reason?: string): void {
    if (this.closeCode !== undefined || this.socket.readyState >= WebSocket.CLOSING) return;
    this.closeCode = code;
    this.socket.close(code, reason);
    // ws would wait 30 s for the peer's close frame; a peer that does not read never sends it.
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  request<T = unknown>(method: string, params?: unknown, options: RpcRequestOptions = {}): Promise<T> {
    if (this.disposed || !this.isOpen) return Promise.reject(new Error('Connection is closed'));
    this.clientRequests ??= new ClientRequests((text) => this.sendText(text));
    return this.clientRequests.request<T>(method, params, options);
  }

  /** A response from the client; unknown ids (late, forged) are ignored. */
  receive(response: ClientResponse): void {
    this.clientRequests?.receive(response);
  }

  /** More than `slowConsumerBytes` waiting to be written: drop-oldest subscriptions hold back. */
  get backlogged(): boolean {
    return this.socket.bufferedAmount > this.limits.slowConsumerBytes;
  }

  /** A drop-oldest subscription has values waiting for the backlog to clear. */
  holdBack(flush: () => void): void {
    (this.heldBack ??= new Set()).add(flush);
  }

  release(flush: () => void): void {
    this.heldBack?.delete(flush);
  }

  private flushHeldBack(): void {
    if (this.flushing || !this.heldBack?.size) return;
    this.flushing = true;
    try {
      for (const flush of [...this.heldBack]) flush();
    } finally {
      this.flushing = false;
    }
  }

  /** How frames are handed on (set once by the transport). */
  onFrame(dispatch: (text: string) => void): void {
    this.dispatch = dispatch;
  }

  /**
   * A frame from the socket: handled now, or held while `maxInFlightPerConnection`
   * calls run. `ws.pause()` stops reading the socket, but frames it had already
   * buffered still arrive; they wait here, so the limit is exact.
   */
  receiveFrame(text: string): void {
    if (this.waiting?.length || this.inFlight >= this.limits.maxInFlightPerConnection) {
      (this.waiting ??= []).push(text);
      this.pause();
      return;
    }
    this.dispatch(text);
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  /** Not read while at the in-flight limit: alive by definition, whatever the heartbeat saw. */
  get isPaused(): boolean {
    return this.paused;
  }

  get inFlight(): number {
    return this.running?.size ?? 0;
  }

  /** Backpressure: at `maxInFlightPerConnection` running calls, stop reading the socket. */
  trackCall(ctx: JsonRpcCallContext): void {
    (this.running ??= new Set()).add(ctx);
    if (this.running.size >= this.limits.maxInFlightPerConnection) this.pause();
  }

  /** The running call with this request id (`rpc.cancel`); at most `maxInFlightPerConnection` to look through. */
  runningCall(id: string | number): JsonRpcCallContext | undefined {
    for (const ctx of this.running ?? []) if (ctx.id === id) return ctx;
    return undefined;
  }

  untrackCall(ctx: JsonRpcCallContext): void {
    this.running?.delete(ctx);
    const waiting = this.waiting;
    while (waiting?.length && this.inFlight < this.limits.maxInFlightPerConnection) this.dispatch(waiting.shift()!);
    if (this.paused && !waiting?.length && this.inFlight < this.limits.maxInFlightPerConnection) {
      this.paused = false;
      if (this.isOpen) this.socket.resume();
    }
  }

  /** Registers a subscription; `start()` begins consuming (after its id was sent). */
  addSubscription(source: SubscriptionSource, observer: (id: string) => SourceObserver): { id: string; start(): void } {
    const id = String(this.nextSubscriptionId++);
    let teardown: (() => void) | undefined;
    let stopped = false;
    const subscriptions = (this.subscriptions ??= new Map());
    subscriptions.set(id, () => {
      stopped = true;
      teardown?.();
    });
    const start = () => {
      if (stopped || this.disposed) return;
      const inner = observer(id);
      teardown = consume(source, {
        next: (value) => inner.next(value),
        error: (error) => {
          subscriptions.delete(id);
          inner.error(error);
        },
        complete: () => {
          subscriptions.delete(id);
          inner.complete();
        },
      });
      if (stopped) teardown(); // completed or cancelled synchronously while starting
    };
    return { id, start };
  }

  unsubscribe(id: string): boolean {
    const stop = this.subscriptions?.get(id);
    if (!stop) return false;
    this.subscriptions!.delete(id);
    stop();
    return true;
  }

  /** Releases everything tied to the connection. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.expiryTimer);
    for (const stop of this.subscriptions?.values() ?? []) stop();
    this.subscriptions?.clear();
    this.waiting = undefined;
    this.heldBack?.clear();
    for (const ctx of this.running ?? []) ctx.abort(new Error('Connection closed'));
    this.running?.clear();
    this.clientRequests?.rejectAll();
    await Promise.all([...this.topics].map((topic) => this.leave(topic)));
  }
}
