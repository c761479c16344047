import { AsyncResource } from 'node:async_hooks';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { from, isObservable, Observable, type Subscriber, type Unsubscribable } from 'rxjs';
import { isThenable } from '../utils/is-thenable.js';

/**
 * Nest's interceptor chain (InterceptorsConsumer) with the same contract and
 * fewer moving parts: `interceptors[0]` around `interceptors[1]` ... around
 * `handler`, as one Observable. Each `next.handle()` runs the rest of the chain
 * only when subscribed, in the async context (AsyncLocalStorage) of the
 * `handle()` call; what an interceptor returns is taken as rxjs's `from()`
 * takes it (an Observable, a Promise of one, an array... anything else is a
 * TypeError), and the handler's value, Promise or Observable is flattened.
 * Left out is the generic plumbing (`defer` + `mergeAll` + one Promise per
 * level) that made the chain the largest cost of a call with one interceptor.
 * The caller subscribes to the result where it was made, so only the inner
 * levels, subscribed by interceptors, carry an async scope.
 */
export function interceptorChain(interceptors: readonly NestInterceptor[], context: ExecutionContext, handler: () => unknown): Observable<unknown> {
  const level = (index: number, scope?: AsyncResource): Observable<unknown> =>
    index >= interceptors.length
      ? lazily(handler, scope, emitHandlerValue)
      : lazily(() => interceptors[index]!.intercept(context, { handle: () => level(index + 1, new AsyncResource('json-rpc-interceptor')) } satisfies CallHandler), scope, emitFrom);
  return level(0);
}

type Emit = (subscriber: Subscriber<unknown>, value: unknown) => Unsubscribable | undefined;

/** An interceptor's answer (awaited), as `mergeAll()` subscribes to it. */
const emitFrom: Emit = (subscriber, value) => {
  try {
    return from(value as Observable<unknown>).subscribe(subscriber);
  } catch (error) {
    subscriber.error(error);
    return undefined;
  }
};

/** The handler's answer (awaited): an Observable streams, anything else is one value. */
const emitHandlerValue: Emit = (subscriber, value) => {
  if (isObservable(value)) return value.subscribe(subscriber);
  subscriber.next(value);
  subscriber.complete();
  return undefined;
};

/** An Observable that calls `produce` when subscribed (in `scope`) and emits what it answers, awaited. */
function lazily(produce: () => unknown, scope: AsyncResource | undefined, emit: Emit): Observable<unknown> {
  return new Observable((subscriber) => {
    let produced: unknown;
    try {
      produced = scope ? scope.runInAsyncScope(produce) : produce();
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    if (isObservable(produced)) return produced.subscribe(subscriber);
    if (!isThenable(produced)) return emit(subscriber, produced);
    let inner: Unsubscribable | undefined;
    produced.then(
      (value) => {
        if (!subscriber.closed) inner = emit(subscriber, value);
      },
      (error: unknown) => {
        if (!subscriber.closed) subscriber.error(error);
      },
    );
    return () => inner?.unsubscribe();
  });
}
