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

/** What `@RpcMethod()` / `@RpcSubscription()` store, resolved. */
export interface RpcMethodMetadata {
  kind: 'method' | 'subscription';
  name: string | undefined;
  description: string | undefined;
  paramNames: readonly string[] | undefined;
}
