import { AsyncLocalStorage } from 'node:async_hooks';
import { positionalArgs } from '../context/json-rpc-params.factory.js';
import type { JsonRpcParams } from '../protocol/json-rpc.types.js';
import { isThenable } from '../utils/is-thenable.js';

// How a handler is called. Nest's context creators read method decorators from
// the function they are given, so wrappers "stand in": their prototype is the
// real method, and reflect-metadata (guards, Reflector) finds every decorator through it.

export type Handler = (...args: unknown[]) => unknown;
/** A handler with its pipeline: the result, or a Promise of it. */
export type ProxyFn = (...args: unknown[]) => unknown;

/**
 * Stands in for a handler without param decorators: the pipeline calls it with
 * `[params, ctx]` and it calls the handler with the positional params.
 */
export function spreadParams(original: Handler, paramNames: readonly string[]): Handler {
  const arity = original.length;
  return standIn(original, function (this: unknown, params: unknown) {
    return original.apply(this, positionalArgs(params as JsonRpcParams | undefined, paramNames.length ? paramNames : undefined, arity));
  });
}

/** Gives `fn` the name and, through its prototype, the decorator metadata of `original`. */
function standIn(original: Handler, fn: Handler): Handler {
  Object.setPrototypeOf(fn, original);
  Object.defineProperty(fn, 'name', { value: original.name });
  return fn;
}

/** Where a subscription handler's return value is caught, per call. */
export const captured = new AsyncLocalStorage<{ source?: unknown }>();

/**
 * A pipeline answers with the last value of an Observable result, which would
 * wait for a subscription's stream to complete. So the handler runs behind this
 * stand-in: it hands the stream out of band and lets the pipeline finish at once.
 */
export function captureSource(original: Handler): Handler {
  return standIn(original, function (this: unknown, ...args: unknown[]): unknown {
    const slot = captured.getStore();
    const result = original.apply(this, args);
    if (isThenable(result)) {
      return Promise.resolve(result).then((source: unknown) => {
        if (slot) slot.source = source;
        return undefined;
      });
    }
    if (slot) slot.source = result;
    return undefined;
  });
}
