import type { CallOptions } from './client-options.interface.js';
import type { ClientSubscription } from './client-subscription.js';
import type { JsonRpcParams } from '../protocol/json-rpc.types.js';

/** rxjs's Observable, structurally (the client does not depend on rxjs). */
interface ObservableLike<V> {
  forEach(next: (value: V) => void): Promise<void>;
}

type Handler = (...args: never[]) => unknown;

/** What a handler's return value means on the wire: a stream (subscription) or a result. */
type StreamOf<R> = R extends ObservableLike<infer V> ? V : R extends AsyncIterable<infer V> ? V : never;
type IsStream<R> = [StreamOf<Awaited<R>>] extends [never] ? false : true;

/**
 * The params of a handler: by convention its **first** parameter (put
 * `@RpcParams()` first; `@RpcCtx()`, `@RpcId()` and the rest come after and
 * are not sent). A handler without parameters takes no params.
 */
export type RpcParamsOf<F> = F extends (...args: infer A) => unknown ? (A extends [] ? undefined : A[0]) : never;

/** The result a call resolves with: Promise and Observable unwrapped. */
export type RpcResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

type ParamsArgs<P> = [P] extends [undefined] ? [params?: undefined] : undefined extends P ? [params?: P] : [params: P];

type ClientMember<F> = F extends (...args: never[]) => infer R
  ? IsStream<R> extends true
    ? (...args: ParamsArgs<RpcParamsOf<F>>) => ClientSubscription<StreamOf<Awaited<R>>>
    : (...args: [...ParamsArgs<RpcParamsOf<F>>, options?: CallOptions]) => Promise<Awaited<R>>
  : never;

/**
 * The client-side view of a server class: `client.proxy<RpcClientOf<OrdersRpc>>('order')`.
 * Methods that return a value, a Promise or (from `@RpcMethod`) anything else
 * become `(params, options?) => Promise<result>`; methods returning an
 * Observable or AsyncIterable (`@RpcSubscription`) become
 * `(params) => ClientSubscription<value>`. Names are the class's member names.
 *
 * @publicApi
 */
export type RpcClientOf<T> = {
  [K in keyof T as T[K] extends Handler ? K : never]: ClientMember<T[K]>;
};

/** The member names of a proxy type that are subscriptions. */
export type SubscriptionKeys<P> = {
  [K in keyof P]: P[K] extends (...args: never[]) => ClientSubscription<infer _> ? K : never;
}[keyof P] &
  string;

/** What a proxy needs from the client. */
export interface ProxyTarget {
  call(method: string, params?: JsonRpcParams, options?: CallOptions): Promise<unknown>;
  subscribe(method: string, params?: JsonRpcParams): ClientSubscription<unknown>;
}

/**
 * Builds the proxy. TypeScript types vanish at run time, so which members are
 * subscriptions is passed in (`proxy()` requires them when the type has any).
 */
export function createRpcProxy<P>(target: ProxyTarget, namespace: string, subscriptions: readonly string[]): P {
  const streams = new Set(subscriptions);
  const members = new Map<string, unknown>();
  return new Proxy(Object.create(null) as object, {
    get(_, name) {
      // `then` must stay undefined, or `await proxy` would call it.
      if (typeof name !== 'string' || name === 'then') return undefined;
      let member = members.get(name);
      if (member === undefined) {
        const method = namespace ? `${namespace}.${name}` : name;
        member = streams.has(name)
          ? (params?: JsonRpcParams) => target.subscribe(method, params)
          : (params?: JsonRpcParams, options?: CallOptions) => target.call(method, params, options);
        members.set(name, member);
      }
      return member;
    },
  }) as P;
}
