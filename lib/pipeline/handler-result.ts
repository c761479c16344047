import { EmptyError, isObservable, type Observable } from 'rxjs';
import { isThenable } from '../utils/is-thenable.js';

// A call that finishes synchronously should cost no Promise: under load every
// Promise that outlives a turn is garbage the young generation must copy (a
// batch keeps its items' alive together). These helpers keep a value plain
// when it is plain and go async only when something is.

/**
 * What Nest makes of a handler's return value: a Promise is awaited, an
 * Observable answers with its last value (EmptyError when it has none).
 * Plain values and Observables that complete synchronously stay synchronous.
 */
export function unwrapResult(result: unknown): unknown {
  if (isThenable(result)) return Promise.resolve(result).then((value) => (isObservable(value) ? lastValue(value) : value));
  return isObservable(result) ? lastValue(result) : result;
}

/** `lastValueFrom()`, without the Promise when the Observable completes during `subscribe()`. */
export function lastValue(source: Observable<unknown>): unknown {
  const seen: { value?: unknown; hasValue: boolean; ended: boolean; failure?: unknown; failed: boolean } = { hasValue: false, ended: false, failed: false };
  let waiting: { resolve(value: unknown): void; reject(error: unknown): void } | undefined;
  source.subscribe({
    next: (value) => {
      seen.value = value;
      seen.hasValue = true;
    },
    error: (error: unknown) => {
      seen.ended = seen.failed = true;
      seen.failure = error;
      waiting?.reject(error);
    },
    complete: () => {
      seen.ended = true;
      if (!seen.hasValue) {
        seen.failed = true;
        seen.failure = new EmptyError();
      }
      if (waiting) (seen.failed ? waiting.reject(seen.failure) : waiting.resolve(seen.value));
    },
  });
  if (!seen.ended) return new Promise((resolve, reject) => (waiting = { resolve, reject }));
  if (seen.failed) throw seen.failure;
  return seen.value;
}
