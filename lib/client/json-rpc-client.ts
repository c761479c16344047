import type { JsonRpcParams } from '../protocol/json-rpc.types.js';
import { NotConnectedError, UnsupportedOperationError, type ConnectionClosedError } from './client.errors.js';
import type { CallOptions, JsonRpcClientOptions, JsonRpcClientState, JsonRpcCredentials } from './client-options.interface.js';
import type { ClientSubscription } from './client-subscription.js';
import { Emitter } from './emitter.js';
import { HttpLink } from './http-link.js';
import { IdleCloser } from './idle-closer.js';
import { parseIncoming, type Incoming } from './incoming.js';
import { Outbox } from './outbox.js';
import { PendingCalls, type PendingCall } from './pending-calls.js';
import { Reauthenticator } from './reauthenticator.js';
import { ServerHandlers, type RpcHandler } from './server-handlers.js';
import { createRpcProxy, type ProxyTarget, type SubscriptionKeys } from './rpc-client-of.js';
import { SubscriptionBook } from './subscription-book.js';
import { WsLink, type ReconnectInfo } from './ws-link.js';

/** Events of a client. */
export type JsonRpcClientEvents = {
  state: [JsonRpcClientState];
  /** A server notification that is not a subscription's. */
  notification: [method: string, params: unknown];
  /** A reconnect is scheduled (for "reconnecting in 3 s" in a UI). */
  reconnect: [ReconnectInfo];
  /** The client stopped for good on its own (auth refused twice, a `stop` close code, attempts exhausted). */
  error: [Error];
};

/** An item of `batch()`: a call, or a notification with `notification: true`. */
export interface BatchItem {
  method: string;
  params?: JsonRpcParams;
  notification?: boolean;
}

const frame = (method: string, params: JsonRpcParams | undefined, id?: number): string =>
  JSON.stringify(params === undefined ? { jsonrpc: '2.0', method, id } : { jsonrpc: '2.0', method, params, id });

/**
 * A JSON-RPC 2.0 client over WebSocket (`ws://`, `wss://`) or HTTP (`http://`,
 * `https://`), for browsers and Node. See README "Client".
 *
 * @publicApi
 */
export class JsonRpcClient extends Emitter<JsonRpcClientEvents> {
  private readonly pending = new PendingCalls((call) => this.cancelled(call));
  private readonly ws: WsLink | undefined;
  private readonly http: HttpLink | undefined;
  private readonly serverHandlers = new ServerHandlers((text) => this.ws?.isOpen && this.ws.send(text));
  private readonly book: SubscriptionBook;
  private readonly reauth: Reauthenticator;
  private readonly outbox: Outbox;
  private readonly idle: IdleCloser;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: JsonRpcClientOptions) {
    super();
    const auto = options.autoBatch;
    this.outbox = new Outbox(auto ? (typeof auto === 'object' ? (auto.maxSize ?? 100) : 100) : 0, this.pending, (calls, text) => this.transmit(calls, text));
    this.book = new SubscriptionBook({
      // A first subscribe survives a drop (re-sent as is); a resubscribe is sent afresh on the next open.
      // Its timeout runs only while sent on an open socket; one given up on that the server opened anyway is closed again.
      subscribe: (method, params, onId, again) =>
        this.send(method, params, { timeoutMs: this.options.timeoutMs, idempotent: !again }, (id) => typeof id === 'string' && onId(id), (id) => this.notify('rpc.unsubscribe', [id]), true),
      unsubscribe: (id) => this.notify('rpc.unsubscribe', [id]),
    });
    this.idle = new IdleCloser(
      options.idleCloseMs,
      () => this.pending.size > 0 || this.book.size > 0,
      () => this.ws?.isOpen && this.ws.close('idle'),
    );
    this.reauth = new Reauthenticator(options, (token) => this.call<{ expiresAt?: number | null }>('rpc.authenticate', { token }));
    if (/^wss?:/i.test(options.url)) {
      this.ws = new WsLink(options, {
        credentials: async () => (await options.auth?.()) as JsonRpcCredentials | undefined,
        opened: (credentials) => this.opened(credentials),
        message: (text) => this.received(text),
        dropped: (error) => this.dropped(error),
        stopped: (why) => this.stopped(why),
        state: (state) => this.emit('state', state),
        reconnecting: (info) => this.emit('reconnect', info),
      });
      if (!options.lazy) this.ws.start();
    } else {
      this.http = new HttpLink(options, this.pending, (item) => this.dispatchIncoming(item));
    }
  }

  /** `idle` (lazy or idle-closed), `connecting`, `open`, `reconnecting` or `closed`. HTTP is always `open`. */
  get state(): JsonRpcClientState {
    return this.ws ? this.ws.state : 'open';
  }

  /** Calls `method`; resolves with its result, rejects with JsonRpcError (from the server) or a transport error. */
  call<T = unknown>(method: string, params?: JsonRpcParams, options: CallOptions = {}): Promise<T> {
    return this.send(method, params, options) as Promise<T>;
  }

  /** Sends a notification (no answer). Dropped silently when not connected: a notification promises nothing. */
  notify(method: string, params?: JsonRpcParams): void {
    const text = frame(method, params);
    if (this.http) return void this.http.post(text, undefined).catch(() => undefined);
    if (this.ws?.isOpen) this.ws.send(text);
  }

  /** One batch; each item settles on its own, in order (notifications as `fulfilled` with `undefined`). */
  batch(items: readonly BatchItem[], options: CallOptions = {}): Promise<PromiseSettledResult<unknown>[]> {
    const calls: Array<Promise<unknown>> = [];
    const texts: string[] = [];
    const spawned: PendingCall[] = [];
    for (const item of items) {
      if (item.notification) {
        texts.push(frame(item.method, item.params));
        calls.push(Promise.resolve(undefined));
        continue;
      }
      const id = this.nextId++;
      const text = frame(item.method, item.params, id);
      texts.push(text);
      calls.push(this.pending.add({ id, method: item.method, text, timeoutMs: this.timeoutOf(options), signal: options.signal, idempotent: options.idempotent }));
      const call = this.pending.get(id);
      if (call) spawned.push(call);
    }
    if (this.ready(spawned)) this.transmit(spawned, `[${texts.join(',')}]`);
    return Promise.allSettled(calls);
  }

  /** Subscribes to a `@RpcSubscription` method (WebSocket only). */
  subscribe<T = unknown>(method: string, params?: JsonRpcParams): ClientSubscription<T> {
    if (this.http) throw new UnsupportedOperationError(`"${method}": subscriptions need a WebSocket connection (ws:// or wss://)`);
    this.idle.touch();
    return this.book.open<T>(method, params);
  }

  /** Answers server -> client requests for `method` (WebSocket only); returns a function that removes the handler. */
  handle(method: string, handler: RpcHandler): () => void {
    if (this.http) throw new UnsupportedOperationError(`"${method}": server -> client requests need a WebSocket connection`);
    return this.serverHandlers.add(method, handler);
  }

  /**
   * A typed view of a namespace: `client.proxy<RpcClientOf<OrdersRpc>>('order', 'watch').submit(dto)`.
   * List the members that are subscriptions (the compiler insists when the type has any).
   */
  proxy<P>(namespace: string, ...subscriptions: [SubscriptionKeys<P>] extends [never] ? [] : [SubscriptionKeys<P>, ...SubscriptionKeys<P>[]]): P {
    return createRpcProxy<P>(this as ProxyTarget, namespace, subscriptions as readonly string[]);
  }

  /** Opens the connection now (lazy clients) and resolves once it is open. */
  connect(): Promise<void> {
    if (!this.ws || this.ws.isOpen) return Promise.resolve();
    if (this.ws.state === 'closed') return Promise.reject(new NotConnectedError('The client is closed'));
    this.ws.start();
    return new Promise((resolve, reject) => {
      const off = this.on('state', (state) => {
        if (state === 'open') resolve(off());
        if (state === 'closed') {
          off();
          reject(new NotConnectedError('Connection closed before it opened'));
        }
      });
    });
  }

  /** Closes for good: pending calls reject with NotConnectedError, subscriptions end. */
  async close(): Promise<void> {
    this.closed = true;
    this.ws?.close('closed');
    if (!this.ws) this.stopped(undefined);
  }

  private send(method: string, params: JsonRpcParams | undefined, options: CallOptions, onResult?: (result: unknown) => void, onLateResult?: (result: unknown) => void, timeoutFromSend = false): Promise<unknown> {
    const id = this.nextId++;
    const text = frame(method, params, id);
    const done = this.pending.add({ id, method, text, timeoutMs: this.timeoutOf(options), signal: options.signal, idempotent: options.idempotent, onResult, onLateResult, timeoutFromSend });
    const call = this.pending.get(id);
    if (call !== undefined && this.ready([call])) this.outbox.enqueue(call);
    return done;
  }

  private timeoutOf(options: CallOptions): number {
    return options.timeoutMs ?? this.options.timeoutMs ?? 30_000;
  }

  /** True when `calls` can go out now; otherwise they wait (queued) or were rejected. */
  private ready(calls: PendingCall[]): boolean {
    this.idle.touch();
    if (this.ws ? this.ws.isOpen : !this.closed) return true;
    const state = this.ws?.state ?? 'closed';
    const queued = this.pending.size - calls.length; // a close estimate; exact would cost a scan per call
    if (state === 'closed' || this.options.offline === 'reject' || queued >= (this.options.maxQueue ?? 100)) {
      const error = new NotConnectedError(state === 'closed' ? 'The client is closed' : `Not connected (${state})`);
      for (const call of calls) this.pending.fail(call.id, error);
      return false;
    }
    this.ws!.start();
    return false;
  }

  private transmit(calls: PendingCall[], text: string): void {
    // Dropped since they were queued (an auto-batch waits for the end of the tick): they go out on the next open.
    if (this.ws && !this.ws.isOpen) return;
    for (const call of calls) this.pending.markSent(call);
    if (this.http) return this.http.transmit(calls, text);
    this.ws!.send(text);
  }

  /** Timeout or abort: tell the server (`rpc.cancel` over WS, abort the fetch over HTTP). */
  private cancelled(call: PendingCall): void {
    if (!call.sent) return;
    if (this.ws?.isOpen) this.ws.send(frame('rpc.cancel', { id: call.id }));
    this.http?.abort(call.id);
  }

  private received(text: string): void {
    for (const item of parseIncoming(text)) this.dispatchIncoming(item);
  }

  private dispatchIncoming(item: Incoming): void {
    if (item.kind === 'response') return void this.pending.settle(item.id, item.result, item.error);
    if (item.kind === 'notification') {
      if (!this.book.route(item.params)) this.emit('notification', item.method, item.params);
      return;
    }
    this.serverHandlers.answer(item.id, item.method, item.params);
  }

  private opened(credentials: JsonRpcCredentials | undefined): void {
    // Taken before the resubscribes: with autoBatch these wait unsent in the outbox too, and were sent twice.
    const unsent: PendingCall[] = [];
    for (const call of this.pending.values()) if (!call.sent) unsent.push(call);
    this.book.resubscribe();
    for (const call of unsent) this.outbox.enqueue(call);
    this.reauth.schedule(credentials);
  }

  private dropped(error: ConnectionClosedError): void {
    this.reauth.cancel();
    this.book.dropped();
    this.pending.dropped(error);
  }

  private stopped(why: Error | undefined): void {
    this.idle.stop();
    const error = why ?? new NotConnectedError('The client is closed');
    this.pending.rejectAll(error);
    this.book.failAll(error);
    if (why) this.emit('error', why);
  }
}
