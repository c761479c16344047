import { AsyncResource } from 'node:async_hooks';
import type { CallHandler, ContextType, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { InterceptorsConsumer } from '@nestjs/core/interceptors/interceptors-consumer.js';
import { from, isObservable, Observable, type Subscriber, type Unsubscribable } from 'rxjs';
import { isThenable } from '../utils/is-thenable.js';

/**
 * Nest's interceptor chain with the same contract and fewer moving parts.
 *
 * Each interceptor gets one shared `ExecutionContext` and a `next.handle()`
 * Observable; `handle()` runs the rest of the chain only when subscribed, in
 * the async context (AsyncLocalStorage) of the `handle()` call, errors arrive
 * as Observable errors, and the handler's Promise or Observable is flattened —
 * all as `InterceptorsConsumer` does. What it leaves out is the generic
 * plumbing (`defer` + `mergeAll` per level, one more Promise hop for a plain
 * value) that made the chain the largest per-call cost of a JSON-RPC call with
 * one interceptor: a batch runs it for every item.
 */
export class LeanInterceptorsConsumer extends InterceptorsConsumer {
  override async intercept<TContext extends string = ContextType>(
    interceptors: NestInterceptor[],
    args: unknown[],
    instance: object,
    callback: (...args: unknown[]) => unknown,
    next: () => Promise<unknown>,
    type?: TContext,
  ): Promise<unknown> {
    if (!interceptors || interceptors.length === 0) return next();
    const context = this.createContext(args, instance, callback);
    context.setType(type as TContext);
    return interceptorChain(interceptors, context, next);
  }
}

/**
 * `interceptors[0]` around `interceptors[1]` ... around `next` (the handler),
 * as one Observable. Its caller subscribes to it in the context it was made in,
 * so only the inner levels, subscribed by interceptors, carry a scope.
 */
export function interceptorChain(interceptors: readonly NestInterceptor[], context: ExecutionContext, next: () => unknown): Observable<unknown> {
  const level = (index: number, scope?: AsyncResource): Observable<unknown> =>
    lazily(
      index >= interceptors.length
        ? next
        : () => interceptors[index]!.intercept(context, { handle: () => level(index + 1, new AsyncResource('json-rpc-interceptor')) } satisfies CallHandler),
      scope,
    );
  return level(0);
}

/**
 * An Observable that calls `produce` when subscribed (in `scope`, the async
 * context `handle()` was called in) and mirrors what it returns: an
 * Observable, a Promise of a value or of an Observable, or a plain value.
 */
function lazily(produce: () => unknown, scope: AsyncResource | undefined): Observable<unknown> {
  return new Observable((subscriber) => {
    let inner: Unsubscribable | undefined;
    let produced: unknown;
    try {
      produced = scope ? scope.runInAsyncScope(produce) : produce();
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    if (isObservable(produced)) return produced.subscribe(subscriber);
    if (!isThenable(produced)) {
      emitLast(subscriber, produced);
      return undefined;
    }
    produced.then(
      (value) => {
        if (subscriber.closed) return;
        if (isObservable(value) || isThenable(value)) inner = from(value).subscribe(subscriber);
        else emitLast(subscriber, value);
      },
      (error: unknown) => {
        if (!subscriber.closed) subscriber.error(error);
      },
    );
    return () => inner?.unsubscribe();
  });
}

function emitLast(subscriber: Subscriber<unknown>, value: unknown): void {
  subscriber.next(value);
  subscriber.complete();
}
