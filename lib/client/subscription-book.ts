import type { JsonRpcParams } from '../protocol/json-rpc.types.js';
import { ClientSubscription, type SubscriptionNotice } from './client-subscription.js';

/** How the book subscribes and unsubscribes on the wire (the client's calls). */
export interface SubscriptionWire {
  /** `again`: a resubscribe after a reconnect (not re-sent by itself: the next open sends a fresh one). */
  subscribe(method: string, params: JsonRpcParams | undefined, onId: (id: string) => void, again: boolean): Promise<unknown>;
  unsubscribe(serverId: string): void;
}

/**
 * Every subscription of a client, and which server id it has on the current
 * connection. Server ids are per connection: a drop forgets them, and the
 * next open subscribes again with `lastEventId` (by-name params only: a
 * positional subscription cannot carry it, so it resumes with `resumed: false`).
 */
export class SubscriptionBook {
  private readonly live = new Set<ClientSubscription<unknown>>();
  private readonly byServerId = new Map<string, ClientSubscription<unknown>>();

  constructor(private readonly wire: SubscriptionWire) {}

  get size(): number {
    return this.live.size;
  }

  open<T>(method: string, params: JsonRpcParams | undefined): ClientSubscription<T> {
    const subscription = new ClientSubscription<unknown>(method, params, (sub, tellServer) => this.stopped(sub, tellServer));
    this.live.add(subscription);
    this.send(subscription, false);
    return subscription as ClientSubscription<T>;
  }

  /** A notification; false when it is not for one of our subscriptions. */
  route(params: unknown): boolean {
    const id = (params as { subscription?: unknown } | null)?.subscription;
    const subscription = typeof id === 'string' ? this.byServerId.get(id) : undefined;
    if (subscription === undefined) return false;
    subscription.notice(params as SubscriptionNotice);
    return true;
  }

  /** The connection dropped: the server forgot every subscription. */
  dropped(): void {
    for (const subscription of this.byServerId.values()) subscription.serverId = undefined;
    this.byServerId.clear();
  }

  /** A new connection: subscribe again what had been accepted before. */
  resubscribe(): void {
    for (const subscription of this.live) if (subscription.serverId === undefined && subscription.acceptedOnce) this.send(subscription, true);
  }

  /** The client closed: every subscription ends with `error`. */
  failAll(error: Error): void {
    for (const subscription of [...this.live]) subscription.fail(error);
  }

  private send(subscription: ClientSubscription<unknown>, again: boolean): void {
    const { params, lastEventId } = subscription;
    // No params at all resume as by-name params holding only lastEventId.
    const resumable = lastEventId !== undefined && !Array.isArray(params);
    const sent = resumable ? { ...(params ?? {}), lastEventId } : params;
    this.wire
      .subscribe(
        subscription.method,
        sent,
        (id) => {
          if (subscription.closed) return this.wire.unsubscribe(id); // unsubscribed while the answer was on its way
          this.byServerId.set(id, subscription);
          subscription.accepted(id, again, resumable);
        },
        again,
      )
      .catch((error: unknown) => {
        // A drop during a resubscribe is retried on the next open; a refusal ends the subscription.
        if (again && (error as { name?: string }).name === 'ConnectionClosedError') return;
        subscription.fail(error);
      });
  }

  private stopped(subscription: ClientSubscription<unknown>, tellServer: boolean): void {
    this.live.delete(subscription);
    const id = subscription.serverId;
    if (id === undefined) return;
    this.byServerId.delete(id);
    if (tellServer) this.wire.unsubscribe(id);
  }
}
