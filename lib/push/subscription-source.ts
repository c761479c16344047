import { isObservable, type Observable } from 'rxjs';

export interface SourceObserver {
  next(value: unknown): void;
  error(error: unknown): void;
  complete(): void;
}

/** What a `@RpcSubscription()` handler may return. */
export type SubscriptionSource = Observable<unknown> | AsyncIterable<unknown>;

export function isSubscriptionSource(value: unknown): value is SubscriptionSource {
  return isObservable(value) || (typeof value === 'object' && value !== null && Symbol.asyncIterator in value);
}

/** Starts consuming; returns the teardown (unsubscribe / iterator.return()). */
export function consume(source: SubscriptionSource, observer: SourceObserver): () => void {
  if (isObservable(source)) {
    const subscription = source.subscribe(observer);
    return () => subscription.unsubscribe();
  }
  const iterator = source[Symbol.asyncIterator]();
  let stopped = false;
  void (async () => {
    try {
      for (;;) {
        const step = await iterator.next();
        if (stopped) return;
        if (step.done) return observer.complete();
        observer.next(step.value);
      }
    } catch (error) {
      if (!stopped) observer.error(error);
    }
  })();
  return () => {
    stopped = true;
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  };
}
