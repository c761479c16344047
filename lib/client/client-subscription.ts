import { JsonRpcError } from './client.errors.js';
import { Emitter } from './emitter.js';
import type { JsonRpcErrorObject } from '../protocol/json-rpc.types.js';

/** An observer as rxjs and the TC39 Observable proposal define it. */
export interface SubscriptionObserver<T> {
  next?(value: T): void;
  error?(error: unknown): void;
  complete?(): void;
}

export interface Unsubscribable {
  unsubscribe(): void;
}

/** Events of one subscription. */
export type SubscriptionEvents = {
  /**
   * Subscribed again after a reconnect. `resumed` is true when `lastEventId` was
   * sent (the server replays from there): nothing was missed unless a `gap` follows.
   */
  resubscribed: [{ lastEventId: string | number | undefined; resumed: boolean }];
  /** The server says values were lost (`missed`: how many, when it knows). */
  gap: [{ missed: number | undefined }];
};

/** rxjs and other libraries find interop observables under this key. */
const observableKey: symbol | string = (typeof Symbol === 'function' && (Symbol as { observable?: symbol }).observable) || '@@observable';

/** The notification params a subscription receives (`{ subscription, result | error | complete | gap, eventId? }`). */
export interface SubscriptionNotice {
  result?: unknown;
  error?: JsonRpcErrorObject;
  complete?: boolean;
  gap?: number | boolean;
  eventId?: string | number;
}

/**
 * A live server subscription: an async iterable, an interop Observable
 * (`from(sub)` in rxjs) and `subscribe(observer)`. It survives reconnects:
 * the client subscribes again with the last event id it saw. Values that
 * arrive before anyone consumes them are buffered, never lost.
 *
 * @publicApi
 */
export class ClientSubscription<T = unknown> extends Emitter<SubscriptionEvents> implements AsyncIterable<T> {
  /** The server's subscription id on the current connection. */
  serverId: string | undefined;
  /** @internal the server accepted it at least once (so a new connection must subscribe again). */
  acceptedOnce = false;
  /** The `eventId` of the last value received. */
  lastEventId: string | number | undefined;
  private readonly observers = new Set<SubscriptionObserver<T>>();
  private buffered: T[] | undefined = [];
  private ended: { error?: unknown } | undefined;
  /** Resolves once the server accepted the first subscribe (rejects with its error). */
  readonly ready: Promise<string>;
  private settleReady!: { resolve(id: string): void; reject(error: unknown): void };

  constructor(
    readonly method: string,
    readonly params: Record<string, unknown> | unknown[] | undefined,
    private readonly stop: (subscription: ClientSubscription<T>, tellServer: boolean) => void,
  ) {
    super();
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined); // read through iteration or observers too
    (this as unknown as Record<string | symbol, unknown>)[observableKey] = () => this;
  }

  get closed(): boolean {
    return this.ended !== undefined;
  }

  /** @internal the server answered a subscribe with this id. */
  accepted(id: string, again: boolean, resumed: boolean): void {
    this.serverId = id;
    this.acceptedOnce = true;
    if (again) this.emit('resubscribed', { lastEventId: this.lastEventId, resumed });
    else this.settleReady.resolve(id);
  }

  /** @internal a notification for this subscription. */
  notice(params: SubscriptionNotice): void {
    if (this.ended) return;
    if (params.gap !== undefined && params.gap !== false) {
      this.emit('gap', { missed: typeof params.gap === 'number' ? params.gap : undefined });
      return;
    }
    if (params.error !== undefined) return this.end({ error: new JsonRpcError(params.error) }, false);
    if (params.complete === true) return this.end({}, false);
    if (params.eventId !== undefined) this.lastEventId = params.eventId;
    const value = params.result as T;
    if (this.buffered) this.buffered.push(value);
    else for (const observer of [...this.observers]) observer.next?.(value);
  }

  /** @internal ends the subscription from the client side (failed subscribe, client closed). */
  fail(error: unknown): void {
    this.end({ error }, false);
  }

  /** Stops the subscription (sends `rpc.unsubscribe` when connected). */
  unsubscribe(): void {
    this.end({}, true);
  }

  subscribe(observer: SubscriptionObserver<T> | ((value: T) => void)): Unsubscribable {
    const target: SubscriptionObserver<T> = typeof observer === 'function' ? { next: observer } : observer;
    this.observers.add(target);
    const buffered = this.buffered;
    this.buffered = undefined;
    for (const value of buffered ?? []) target.next?.(value);
    if (this.ended) this.deliverEnd(target);
    return { unsubscribe: () => this.observers.delete(target) };
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const values: T[] = [];
    let wake: (() => void) | undefined;
    let done: { error?: unknown } | undefined;
    const handle = this.subscribe({
      next: (value) => (values.push(value), wake?.()),
      error: (error) => ((done = { error }), wake?.()),
      complete: () => ((done = {}), wake?.()),
    });
    return {
      next: async (): Promise<IteratorResult<T>> => {
        while (values.length === 0 && done === undefined) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (values.length > 0) return { value: values.shift()!, done: false };
        if (done!.error !== undefined) throw done!.error;
        return { value: undefined, done: true };
      },
      return: async (): Promise<IteratorResult<T>> => {
        handle.unsubscribe();
        this.unsubscribe();
        return { value: undefined, done: true };
      },
    };
  }

  private end(how: { error?: unknown }, tellServer: boolean): void {
    if (this.ended) return;
    this.ended = how;
    if (how.error !== undefined) this.settleReady.reject(how.error);
    this.stop(this, tellServer);
    for (const observer of [...this.observers]) this.deliverEnd(observer);
    this.observers.clear();
  }

  private deliverEnd(observer: SubscriptionObserver<T>): void {
    if (this.ended!.error !== undefined) observer.error?.(this.ended!.error);
    else observer.complete?.();
  }
}
