import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { JsonRpcCallContext } from '../context/json-rpc-call-context.js';
import type { JsonRpcPrincipal } from '../interfaces/json-rpc-module-options.interface.js';
import { TokenBucket } from '../limits/token-bucket.js';
import type { JsonRpcConnection, RpcRequestOptions } from '../interfaces/json-rpc-connection.interface.js';
import { notificationText } from '../protocol/response.js';
import { ClientRequests } from './client-requests.js';
import type { ClientResponse } from '../protocol/validate-request.js';
import { JsonRpcCloseCode } from '../protocol/close-codes.js';
import { Outbox } from '../ws/outbox.js';
import { ConnectionSubscriptions } from './connection-subscriptions.js';
import type { SourceObserver, SubscriptionSource } from './subscription-source.js';

/** Who keeps topic membership (the topic registry); the connection only delegates. */
export interface TopicMembership {
  join(connection: RpcConnection, topic: string): Promise<void>;
  leave(connection: RpcConnection, topic: string): Promise<void>;
}

const NO_TOPICS: ReadonlySet<string> = new Set();
const ignore = () => undefined;

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
  maxBufferedBytes: number;
}

/** What the connection reports to its owner (logs, metrics). */
export interface ConnectionEvents {
  /** Closed for not reading: `reason` says whether it was the grace or the hard ceiling. */
  slowConsumer(connection: RpcConnection, reason: string): void;
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
  private outboxInstance: Outbox | undefined;

  private bag: Record<string, unknown> | undefined;
  private joined: Set<string> | undefined;
  private subscriptions: ConnectionSubscriptions | undefined;
  private running: Set<JsonRpcCallContext> | undefined;
  /** Batch items waiting for an in-flight slot. */
  private capacityWaiters: Array<() => void> | undefined;
  private clientRequests: ClientRequests | undefined;
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

  private get outbox(): Outbox {
    return (this.outboxInstance ??= new Outbox(this.socket, this.limits, (code, reason) => {
      this.events.slowConsumer(this, reason);
      this.close(code, reason);
    }));
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

  /** Sets who is connected; arms the expiry (close 4002 unless re-authenticated before). */
  set principal(principal: JsonRpcPrincipal | undefined) {
    this.currentPrincipal = principal;
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (principal?.expiresAt !== undefined) this.armExpiry(principal.expiresAt);
  }

  private armExpiry(expiresAt: number): void {
    const delay = expiresAt - Date.now();
    this.expiryTimer = setTimeout(
      () => (delay > MAX_TIMER_MS ? this.armExpiry(expiresAt) : this.close(JsonRpcCloseCode.AuthenticationExpired, 'Authentication expired')),
      Math.max(0, Math.min(delay, MAX_TIMER_MS)),
    );
    this.expiryTimer.unref();
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Live subscriptions plus those whose subscribe call is still running. */
  get subscriptionCount(): number {
    return this.subscriptions?.count ?? 0;
  }

  /** Sends a frame (queued past this turn's budget); false when the socket is no longer open or this frame closed it. */
  sendText(text: string | Buffer): boolean {
    return this.outbox.send(text);
  }

  /** Sends an already-encoded UTF-8 text frame (fan-out encodes once for all members). */
  sendFrame(bytes: Buffer): boolean {
    return this.outbox.send(bytes);
  }

  /** The slow-consumer check (the transport's sweeper calls it between sends): true when it closed the connection. */
  isSlowConsumer(): boolean {
    return this.outboxInstance?.checkBacklog() ?? false;
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

  close(code: number = JsonRpcCloseCode.Normal, reason?: string): void {
    if (this.closeCode !== undefined || this.socket.readyState >= WebSocket.CLOSING) return;
    this.closeCode = code;
    this.outboxInstance?.discard();
    this.socket.close(code, reason);
    // ws would wait 30 s for the peer's close frame; a peer that does not read never sends it.
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  /** Ends a dead peer's socket now: the close frame is tried, but nobody waits for the handshake. */
  terminate(code: number, reason?: string): void {
    if (this.closeCode !== undefined || this.socket.readyState >= WebSocket.CLOSING) return;
    this.closeCode = code;
    this.outboxInstance?.discard();
    this.socket.close(code, reason);
    this.socket.terminate();
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
    return this.outbox.backlogged;
  }

  /** A drop-oldest subscription has values waiting for the backlog to clear. */
  holdBack(flush: () => void): void {
    this.outbox.holdBack(flush);
  }

  release(flush: () => void): void {
    this.outbox.release(flush);
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

  /**
   * For a batch's next item: undefined when an in-flight slot is free, else a
   * Promise that settles once one is (checked again on wake-up: a frame read
   * meanwhile may have taken it).
   */
  whenCapacity(): Promise<void> | undefined {
    return this.inFlight < this.limits.maxInFlightPerConnection ? undefined : this.waitForCapacity();
  }

  private async waitForCapacity(): Promise<void> {
    while (!this.disposed && this.inFlight >= this.limits.maxInFlightPerConnection) {
      await new Promise<void>((resolve) => (this.capacityWaiters ??= []).push(resolve));
    }
  }

  private wakeCapacityWaiters(): void {
    const waiters = this.capacityWaiters;
    this.capacityWaiters = undefined;
    for (const wake of waiters ?? []) wake();
  }

  untrackCall(ctx: JsonRpcCallContext): void {
    this.running?.delete(ctx);
    this.wakeCapacityWaiters();
    const waiting = this.waiting;
    while (waiting?.length && this.inFlight < this.limits.maxInFlightPerConnection) this.dispatch(waiting.shift()!);
    if (this.paused && !waiting?.length && this.inFlight < this.limits.maxInFlightPerConnection) {
      this.paused = false;
      if (this.isOpen) this.socket.resume();
    }
  }

  /** Takes a subscription slot before the subscribe call's pipeline awaits; false at the limit. */
  reserveSubscription(limit: number): boolean {
    return (this.subscriptions ??= new ConnectionSubscriptions()).reserve(limit);
  }

  /** Gives back the slot of a subscribe call that failed. */
  unreserveSubscription(): void {
    this.subscriptions?.unreserve();
  }

  /**
   * Registers a subscription in its reserved slot; `start()` begins consuming
   * (after its id was sent). Starts wait while the outbox is busy, so a batch
   * of replaying subscriptions is spread over turns instead of one long block.
   */
  addSubscription(source: SubscriptionSource, observer: (id: string) => SourceObserver): { id: string; start(): void } {
    return (this.subscriptions ??= new ConnectionSubscriptions()).add(source, observer, (start) => this.outbox.whenIdle(start));
  }

  unsubscribe(id: string): boolean {
    return this.subscriptions?.unsubscribe(id) ?? false;
  }

  /** Releases everything tied to the connection. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.expiryTimer);
    this.subscriptions?.stopAll();
    this.waiting = undefined;
    this.outboxInstance?.discard();
    this.wakeCapacityWaiters();
    for (const ctx of this.running ?? []) ctx.abort(new Error('Connection closed'));
    this.running?.clear();
    this.clientRequests?.rejectAll();
    await Promise.all([...this.topics].map((topic) => this.leave(topic)));
  }
}
