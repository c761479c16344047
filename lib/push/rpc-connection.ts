import { WebSocket } from 'ws';
import { PrincipalSession } from '../auth/principal-session.js';
import type { JsonRpcConnection, RpcRequestOptions } from '../interfaces/json-rpc-connection.interface.js';
import type { JsonRpcPrincipal } from '../interfaces/json-rpc-module-options.interface.js';
import type { JsonRpcRequestHead } from '../interfaces/json-rpc-request-head.interface.js';
import { TokenBucket } from '../limits/token-bucket.js';
import { JsonRpcCloseCode } from '../protocol/close-codes.js';
import { notificationText } from '../protocol/response.js';
import type { ClientResponse } from '../protocol/validate-request.js';
import type { BacklogSweep, SweptOutbox } from '../ws/backlog-sweep.js';
import type { FrameSink } from '../ws/frame-loop.js';
import { InboundGate } from '../ws/inbound-gate.js';
import { ConnectionOrigin } from '../ws/ws-call-origin.js';
import { Outbox, type OutboxLimits, type OutboxOwner } from '../ws/outbox.js';
import { ClientRequests } from './client-requests.js';
import { newConnectionId } from './connection-id.js';
import { ConnectionSubscriptions } from './connection-subscriptions.js';
import type { TopicMembership } from './topic-membership.interface.js';

const NO_TOPICS: ReadonlySet<string> = new Set();

/** A server-initiated close that the peer does not complete (it is not reading) ends in terminate() after this. */
const CLOSE_GRACE_MS = 2000;

/** The limits a connection enforces on itself. */
export interface ConnectionLimits extends OutboxLimits {
  maxInFlightPerConnection: number;
  ratePerSecond: number;
  rateBurst: number;
}

/** What every connection of a transport shares: one object, not fields per connection. */
export interface ConnectionDeps {
  readonly limits: ConnectionLimits;
  readonly topics: TopicMembership;
  /** Where frames go once the inbound gate lets them in (the transport's frame loop). */
  readonly frames: FrameSink;
  /** Checks backlogged outboxes between sends. */
  readonly backlogs: BacklogSweep;
  /** Closed for not reading: `reason` says whether it was the grace or the hard ceiling. */
  onSlowConsumer(connection: RpcConnection, reason: string): void;
}

/**
 * One live WebSocket. Users see the `JsonRpcConnection` face; the library's
 * own code reaches the parts, each with one job, through this class:
 * `inbound` (in-flight limit, pause/resume, running calls, last seen),
 * `outbox` (sends, per-tick budget, slow-consumer policy, hold-back),
 * `subscriptions`, `session` (principal, expiry, renewal), and the
 * server -> client requests. `dispose()` releases all of it.
 */
export class RpcConnection implements JsonRpcConnection, OutboxOwner {
  // An idle connection should cost little more than its socket: the parts it
  // may never use (bag, topics, subscriptions, outbox, requests, a session
  // without a principal) come on first use. Their fields are initialized all the
  // same: set later, V8 would put them in an extra out-of-object array per socket.
  readonly id = newConnectionId();
  /** Epoch ms at which it opened. */
  readonly openedAt = Date.now();
  readonly bucket: TokenBucket;
  readonly inbound: InboundGate;
  /** The code the server closed with, if it did: reported even when the peer never answers the close. */
  closeCode: number | undefined = undefined;
  private outboxPart: Outbox | undefined = undefined;
  private subscriptionsPart: ConnectionSubscriptions | undefined = undefined;
  private clientRequests: ClientRequests | undefined = undefined;
  private sessionPart: PrincipalSession | undefined = undefined;
  private bag: Record<string, unknown> | undefined = undefined;
  /** One topic as a string (the common case of a large fleet), a Set from the second on. */
  private joined: string | Set<string> | undefined = undefined;
  private disposed = false;

  constructor(
    readonly socket: WebSocket,
    readonly upgradeRequest: JsonRpcRequestHead,
    principal: JsonRpcPrincipal | undefined,
    private readonly deps: ConnectionDeps,
  ) {
    const { limits } = deps;
    this.bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst);
    const origin = new ConnectionOrigin(this); // every frame's origin, built once
    this.inbound = new InboundGate(socket, limits.maxInFlightPerConnection, deps.frames, origin);
    if (principal !== undefined) this.sessionPart = new PrincipalSession(this, principal);
  }

  /** Who is connected, and until when (renewed by `rpc.authenticate`). */
  get session(): PrincipalSession {
    return (this.sessionPart ??= new PrincipalSession(this, undefined));
  }

  get principal(): JsonRpcPrincipal | undefined {
    return this.sessionPart?.principal;
  }

  get data(): Record<string, unknown> {
    return (this.bag ??= {});
  }

  get topics(): ReadonlySet<string> {
    const joined = this.joined;
    return typeof joined === 'string' ? new Set([joined]) : (joined ?? NO_TOPICS);
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get outbox(): Outbox {
    return (this.outboxPart ??= new Outbox(this.socket, this.deps.limits, this));
  }

  /** @internal the outbox asks for the backlog sweep through here. */
  watchBacklog(outbox: SweptOutbox): void {
    this.deps.backlogs.watch(outbox);
  }

  /** @internal the outbox closes a slow consumer through here (no closure per outbox). */
  overflowed(code: JsonRpcCloseCode, reason: string): void {
    this.deps.onSlowConsumer(this, reason);
    this.close(code, reason);
  }

  /**
   * Its subscriptions. Starts wait while the outbox is busy, so a batch of
   * replaying subscriptions is spread over turns instead of one long block.
   */
  get subscriptions(): ConnectionSubscriptions {
    return (this.subscriptionsPart ??= new ConnectionSubscriptions((start) => this.outbox.whenIdle(start)));
  }

  /** Live subscriptions plus those whose subscribe call is still running. */
  get subscriptionCount(): number {
    return this.subscriptionsPart?.count ?? 0;
  }

  /** Sends a frame (a fan-out passes it encoded once for all); false when it was not sent. */
  send(frame: string | Buffer): boolean {
    return this.outbox.send(frame);
  }

  notify(method: string, params?: unknown): boolean {
    return this.send(notificationText(method, params));
  }

  join(topic: string): Promise<void> {
    const joined = this.joined;
    if (joined === undefined || joined === topic) this.joined = topic;
    else if (typeof joined === 'string') this.joined = new Set([joined, topic]);
    else joined.add(topic);
    return this.deps.topics.join(this, topic);
  }

  leave(topic: string): Promise<void> {
    if (this.joined === topic) this.joined = undefined;
    else if (typeof this.joined === 'object') this.joined.delete(topic);
    return this.deps.topics.leave(this, topic);
  }

  request<T = unknown>(method: string, params?: unknown, options: RpcRequestOptions = {}): Promise<T> {
    if (this.disposed || !this.isOpen) return Promise.reject(new Error('Connection is closed'));
    this.clientRequests ??= new ClientRequests((text) => this.send(text));
    return this.clientRequests.request<T>(method, params, options);
  }

  /** A response from the client; unknown ids (late, forged) are ignored. */
  receive(response: ClientResponse): void {
    this.clientRequests?.receive(response);
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
    this.outboxPart?.discard();
    this.socket.close(code, reason);
    return true;
  }

  /** Releases everything tied to the connection. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.sessionPart?.end();
    this.subscriptionsPart?.stopAll();
    this.outboxPart?.discard();
    for (const ctx of this.inbound.close()) ctx.abort(new Error('Connection closed'));
    this.clientRequests?.rejectAll();
    await Promise.all([...this.topics].map((topic) => this.leave(topic)));
  }
}
