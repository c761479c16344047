import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import type { JsonRpcCallContext } from '../context/json-rpc-call-context.js';
import type { JsonRpcPrincipal } from '../interfaces/json-rpc-module-options.interface.js';
import { TokenBucket } from '../limits/token-bucket.js';
import type { JsonRpcConnection, RpcRequestOptions } from '../interfaces/json-rpc-connection.interface.js';
import { notificationText } from '../protocol/response.js';
import { ClientRequests } from './client-requests.js';
import type { ClientResponse } from '../protocol/validate-request.js';
import { JsonRpcCloseCode } from '../protocol/close-codes.js';
import { ExpiryTimer } from '../auth/expiry-timer.js';
import { Outbox } from '../ws/outbox.js';
import { CallGate, PausableSocket } from './call-gate.js';
import { newConnectionId } from './connection-id.js';
import { ConnectionSubscriptions } from './connection-subscriptions.js';
import type { TopicMembership } from './topic-membership.interface.js';

const NO_TOPICS: ReadonlySet<string> = new Set();
const ignore = () => undefined;

/** A server-initiated close that the peer does not complete (it is not reading) ends in terminate() after this. */
const CLOSE_GRACE_MS = 2000;

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
  readonly id = newConnectionId();
  readonly bucket: TokenBucket;
  /** Heartbeat: when the last pong (or any frame) came in. */
  lastSeen = Date.now();
  private currentPrincipal: JsonRpcPrincipal | undefined;
  private expiry: ExpiryTimer | undefined;
  private callGate: CallGate | undefined;
  private dispatch: (text: string) => void = ignore;
  private outboxInstance: Outbox | undefined;

  private bag: Record<string, unknown> | undefined;
  private joined: Set<string> | undefined;
  private subscriptionSet: ConnectionSubscriptions | undefined;
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

  /** Where every frame goes out (budget per turn, slow-consumer rules); drop-oldest subscriptions hold back through it. */
  get outbox(): Outbox {
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
    if (principal?.expiresAt === undefined && !this.expiry) return;
    (this.expiry ??= new ExpiryTimer(() => this.close(JsonRpcCloseCode.AuthenticationExpired, 'Authentication expired'))).set(principal?.expiresAt);
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Live subscriptions plus those whose subscribe call is still running. */
  get subscriptionCount(): number {
    return this.subscriptionSet?.count ?? 0;
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
    // ws would wait 30 s for the peer's close frame; a peer that does not read never sends it.
    if (this.shut(code, reason)) setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  /** Ends a dead peer's socket now: the close frame is tried, but nobody waits for the handshake. */
  terminate(code: number, reason?: string): void {
    if (this.shut(code, reason)) this.socket.terminate();
  }

  /** Sends the close frame once; false when the connection was already closing. */
  private shut(code: number, reason: string | undefined): boolean {
    if (this.closeCode !== undefined || this.socket.readyState >= WebSocket.CLOSING) return false;
    this.closeCode = code;
    this.outboxInstance?.discard();
    this.socket.close(code, reason);
    return true;
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

  /** How frames are handed on (set once by the transport). */
  onFrame(dispatch: (text: string) => void): void {
    this.dispatch = dispatch;
  }

  private get gate(): CallGate {
    return (this.callGate ??= new CallGate(new PausableSocket(this.socket), this.limits.maxInFlightPerConnection, (text) => this.dispatch(text)));
  }

  /** A frame from the socket: handled now, or held while `maxInFlightPerConnection` calls run. */
  receiveFrame(text: string): void {
    this.gate.receive(text);
  }

  /** Not read while at the in-flight limit: alive by definition, whatever the heartbeat saw. */
  get isPaused(): boolean {
    return this.callGate?.isPaused ?? false;
  }

  get inFlight(): number {
    return this.callGate?.inFlight ?? 0;
  }

  /** Backpressure: at `maxInFlightPerConnection` running calls, stop reading the socket. */
  trackCall(ctx: JsonRpcCallContext): void {
    this.gate.track(ctx);
  }

  /** The running call with this request id (`rpc.cancel`); at most `maxInFlightPerConnection` to look through. */
  runningCall(id: string | number): JsonRpcCallContext | undefined {
    return this.callGate?.find(id);
  }

  untrackCall(ctx: JsonRpcCallContext): void {
    this.callGate?.untrack(ctx);
  }

  /** For a batch's next item: undefined when an in-flight slot is free, else a Promise that settles once one is. */
  whenCapacity(): Promise<void> | undefined {
    return this.callGate?.whenCapacity();
  }

  /**
   * Its subscriptions. A subscribe call reserves a slot before its pipeline
   * awaits; starts wait while the outbox is busy, so a batch of replaying
   * subscriptions is spread over turns instead of one long block.
   */
  get subscriptions(): ConnectionSubscriptions {
    return (this.subscriptionSet ??= new ConnectionSubscriptions((start) => this.outbox.whenIdle(start)));
  }

  unsubscribe(id: string): boolean {
    return this.subscriptionSet?.unsubscribe(id) ?? false;
  }

  /** Releases everything tied to the connection. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.expiry?.clear();
    this.subscriptionSet?.stopAll();
    this.outboxInstance?.discard();
    for (const ctx of this.callGate?.close() ?? []) ctx.abort(new Error('Connection closed'));
    this.clientRequests?.rejectAll();
    await Promise.all([...this.topics].map((topic) => this.leave(topic)));
  }
}
