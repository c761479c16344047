import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { JsonRpcCallContext } from '../context/json-rpc-call-context.js';
import { JsonRpcException } from '../exceptions/json-rpc.exception.js';
import type { JsonRpcConnection, RpcRequestOptions } from '../interfaces/json-rpc-connection.interface.js';
import { notificationText, requestText } from '../protocol/response.js';
import type { ClientResponse } from '../protocol/validate-request.js';
import { consume, type SourceObserver, type SubscriptionSource } from './subscription-source.js';

/** Who keeps topic membership (the topic registry); the connection only delegates. */
export interface TopicMembership {
  join(connection: RpcConnection, topic: string): Promise<void>;
  leave(connection: RpcConnection, topic: string): Promise<void>;
}

interface PendingRequest {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * One live WebSocket and everything tied to it: topics, subscriptions, calls
 * in flight, server -> client requests. `dispose()` releases all of it, so a
 * disconnect leaves nothing behind.
 */
export class RpcConnection implements JsonRpcConnection {
  readonly id = randomUUID();
  readonly data: Record<string, unknown> = {};
  readonly topics = new Set<string>();
  principal: unknown = undefined;

  private readonly subscriptions = new Map<string, () => void>();
  private readonly running = new Set<JsonRpcCallContext>();
  private readonly pending = new Map<string, PendingRequest>();
  private nextSubscriptionId = 1;
  private nextRequestId = 1;
  private disposed = false;

  constructor(
    readonly socket: WebSocket,
    readonly upgradeRequest: IncomingMessage,
    private readonly membership: TopicMembership,
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  /** Sends a frame; false when the socket is no longer open. */
  sendText(text: string): boolean {
    if (!this.isOpen) return false;
    this.socket.send(text);
    return true;
  }

  /** Sends an already-encoded UTF-8 text frame (fan-out encodes once for all members). */
  sendFrame(bytes: Buffer): boolean {
    if (!this.isOpen) return false;
    this.socket.send(bytes, { binary: false });
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
    this.socket.close(code, reason);
  }

  request<T = unknown>(method: string, params?: unknown, options: RpcRequestOptions = {}): Promise<T> {
    if (this.disposed || !this.isOpen) return Promise.reject(new Error('Connection is closed'));
    // Prefixed so our ids can never be mistaken for ids the client chose for its own requests.
    const id = `srv-${this.nextRequestId++}`;
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`Client did not answer "${method}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.sendText(requestText(method, params, id));
    });
  }

  /** A response from the client; unknown ids (late, forged) are ignored. */
  receive(response: ClientResponse): void {
    const pending = typeof response.id === 'string' ? this.pending.get(response.id) : undefined;
    if (!pending) return;
    this.pending.delete(response.id as string);
    clearTimeout(pending.timer);
    if (response.error) pending.reject(new JsonRpcException(response.error.code, response.error.message, response.error.data));
    else pending.resolve(response.result);
  }

  trackCall(ctx: JsonRpcCallContext): void {
    this.running.add(ctx);
  }

  untrackCall(ctx: JsonRpcCallContext): void {
    this.running.delete(ctx);
  }

  /** Registers a subscription; `start()` begins consuming (after its id was sent). */
  addSubscription(source: SubscriptionSource, observer: (id: string) => SourceObserver): { id: string; start(): void } {
    const id = String(this.nextSubscriptionId++);
    let teardown: (() => void) | undefined;
    let stopped = false;
    this.subscriptions.set(id, () => {
      stopped = true;
      teardown?.();
    });
    const start = () => {
      if (stopped || this.disposed) return;
      const inner = observer(id);
      teardown = consume(source, {
        next: (value) => inner.next(value),
        error: (error) => {
          this.subscriptions.delete(id);
          inner.error(error);
        },
        complete: () => {
          this.subscriptions.delete(id);
          inner.complete();
        },
      });
      if (stopped) teardown(); // completed or cancelled synchronously while starting
    };
    return { id, start };
  }

  unsubscribe(id: string): boolean {
    const stop = this.subscriptions.get(id);
    if (!stop) return false;
    this.subscriptions.delete(id);
    stop();
    return true;
  }

  /** Releases everything tied to the connection. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const stop of this.subscriptions.values()) stop();
    this.subscriptions.clear();
    for (const ctx of this.running) ctx.abort(new Error('Connection closed'));
    this.running.clear();
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new Error('Connection closed before the client answered'));
    }
    this.pending.clear();
    await Promise.all([...this.topics].map((topic) => this.leave(topic)));
  }
}
