import type { Type } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';

/**
 * An error a method may answer with, as listed in the discovery document
 * (OpenRPC `errors`). The codes the library itself answers (-32602, -32603...) need no listing.
 *
 * @publicApi
 */
export interface RpcErrorSpec {
  code: number;
  message: string;
  /** What `error.data` carries, if anything (shown as is). */
  data?: unknown;
}

/**
 * What a result (or, for a subscription, each pushed value) looks like in the
 * discovery document: a class (a class-validator DTO) or a Standard Schema (Zod 4...).
 *
 * @publicApi
 */
export type RpcResultSpec = Type | StandardSchemaV1;

/**
 * Options of `@RpcMethod()`. Everything but `name` and `paramNames` only shapes
 * the discovery document (`rpc.discover`, `GET {path}`).
 *
 * @publicApi
 */
export interface RpcMethodOptions {
  /** Name under the service namespace. Defaults to the method's own name. */
  name?: string;
  /** One line shown in method lists (OpenRPC `summary`). */
  summary?: string;
  /** Human description (OpenRPC `description`). */
  description?: string;
  /** Tags, added to those of `@RpcService({ tags })`. */
  tags?: readonly string[];
  /** Marked deprecated in the document; the method is still served. */
  deprecated?: boolean;
  /** Errors this method may answer with, besides the library's own. */
  errors?: readonly RpcErrorSpec[];
  /** Schema of the result (for a subscription: of each pushed value). Default: any. */
  result?: RpcResultSpec;
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
   * `'close'` (default) lets the backlog grow and the connection is closed with 4009
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
  summary?: string;
  tags?: readonly string[];
  deprecated?: boolean;
  errors?: readonly RpcErrorSpec[];
  result?: RpcResultSpec;
  /** Resolved once, when the decorator runs: the only place the defaults live. */
  overflow: OverflowPolicy;
}

/** What a subscription does when its client reads too slowly (`@RpcSubscription({ overflow, bufferSize })`, resolved). */
export interface OverflowPolicy {
  readonly policy: 'close' | 'drop-oldest';
  readonly bufferSize: number;
}
