import type { CallOptions } from './client-options.interface.js';
import type { ClientSubscription } from './client-subscription.js';
import type { JsonRpcParams } from '../protocol/json-rpc.types.js';

/** rxjs's Observable, structurally (the client does not depend on rxjs). */
interface ObservableLike<V> {
  forEach(next: (value: V) => void): Promise<void>;
}

type Handler = (...args: never[]) => unknown;

/** What a handler's return value means on the wire: a stream (subscription) or a result. */
type StreamOf<R> = R extends ObservableLike<infer V> ? EventValue<V> : R extends AsyncIterable<infer V> ? EventValue<V> : never;
/** An `RpcEvent` travels as its value (its id as `eventId`); an `RpcGap` is a gap notice, never a value. */
type EventValue<V> = V extends { readonly rpcGap: true } ? never : V extends { readonly value: infer X; readonly eventId: string | number } ? X : V;
type IsStream<R> = [StreamOf<Awaited<R>>] extends [never] ? false : true;

type Primitive = string | number | boolean | bigint | symbol | null | undefined;

/** A `JsonRpcContext` (`@RpcCtx()`), recognised by shape: lib/client imports nothing from the server. */
interface ContextShape {
  transport: 'ws' | 'http';
  isNotification: boolean;
  signal: AbortSignal;
}

/** Can this parameter be the params? JSON-RPC params are an object or an array; injected values are not sent. */
type IsParamsSlot<P, Injected> = [P] extends [Primitive] ? false : [P] extends [ContextShape | Injected] ? false : true;

type FindParams<A extends readonly unknown[], Injected> = A extends readonly [infer Head, ...infer Rest]
  ? IsParamsSlot<Head, Injected> extends true
    ? Head
    : FindParams<Rest, Injected>
  : undefined;

/**
 * The params of a handler, by convention: its **first object-typed parameter**
 * that is not injected. Primitives (`@RpcId()`, `@RpcLastEventId()`, one
 * `@RpcParams('key')` property) and a `JsonRpcContext` are skipped, and so are
 * the types listed in `Injected` (what your own param decorators inject, e.g.
 * `@CurrentUser() user: User`). No such parameter: the method takes no params.
 */
export type RpcParamsOf<F, Injected = never> = F extends (...args: infer A) => unknown ? FindParams<Required<A>, Injected> : never;

/** The result a call resolves with: Promise and Observable unwrapped. */
export type RpcResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

type ParamsArgs<P> = [P] extends [undefined] ? [params?: undefined] : undefined extends P ? [params?: P] : [params: P];

type ClientMember<F, Injected> = F extends (...args: never[]) => infer R
  ? IsStream<R> extends true
    ? (...args: ParamsArgs<RpcParamsOf<F, Injected>>) => ClientSubscription<StreamOf<Awaited<R>>>
    : (...args: [...ParamsArgs<RpcParamsOf<F, Injected>>, options?: CallOptions]) => Promise<Awaited<R>>
  : never;

/**
 * The client-side view of a server class: `client.proxy<RpcClientOf<OrdersRpc>>('order')`
 * (`RpcClientOf<OrdersRpc, User>` when a param decorator injects a `User`; see RpcParamsOf).
 * Methods that return a value, a Promise or (from `@RpcMethod`) anything else
 * become `(params, options?) => Promise<result>`; methods returning an
 * Observable or AsyncIterable (`@RpcSubscription`) become
 * `(params) => ClientSubscription<value>`. Names are the class's member names.
 *
 * @publicApi
 */
export type RpcClientOf<T, Injected = never> = {
  [K in keyof T as T[K] extends Handler ? K : never]: ClientMember<T[K], Injected>;
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
