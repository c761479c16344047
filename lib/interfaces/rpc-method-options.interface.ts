/**
 * Options of `@RpcMethod()`.
 *
 * @publicApi
 */
export interface RpcMethodOptions {
  /** Name under the service namespace. Defaults to the method's own name. */
  name?: string;
  /** Human description (shown by discovery). */
  description?: string;
  /**
   * Names of the positional params, in order. With them, a by-position call
   * (`params: [1, 2]`) is turned into `{ a: 1, b: 2 }` before pipes run, so one DTO
   * validates both call styles, and undecorated handler args map from by-name calls.
   */
  paramNames?: readonly string[];
}

/**
 * Options of `@RpcSubscription()`.
 *
 * @publicApi
 */
export interface RpcSubscriptionOptions extends RpcMethodOptions {
  /**
   * When the client reads too slowly (more than `limits.slowConsumerBytes` waiting):
   * `'close'` (default) lets the backlog grow and the connection is closed with 1008
   * after `limits.slowConsumerMs`; `'drop-oldest'` keeps at most `bufferSize` values
   * back, drops the oldest, and sends `{ subscription, gap: <dropped count> }` before
   * the rest once the client catches up. For feeds where the latest value matters most.
   */
  overflow?: 'close' | 'drop-oldest';
  /** Values kept back with `overflow: 'drop-oldest'`. Default 100. */
  bufferSize?: number;
}

/** What `@RpcMethod()` / `@RpcSubscription()` store, resolved. */
export interface RpcMethodMetadata {
  kind: 'method' | 'subscription';
  name: string | undefined;
  description: string | undefined;
  paramNames: readonly string[] | undefined;
  overflow?: 'close' | 'drop-oldest';
  bufferSize?: number;
}
