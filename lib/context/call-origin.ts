import type { JsonRpcRequestHead } from '../interfaces/json-rpc-request-head.interface.js';
import type { JsonRpcPrincipal } from '../interfaces/json-rpc-module-options.interface.js';
import type { ClientResponse } from '../protocol/validate-request.js';
import type { RpcConnection } from '../push/rpc-connection.js';
import type { JsonRpcCallContext } from './json-rpc-call-context.js';

/** A rate limit shared by the calls of one origin (a connection; an HTTP client). */
export interface RateBucket {
  take(): boolean;
}

/** The calls of one connection that went async: the in-flight limit counts them, `rpc.cancel` finds them. */
export interface RunningCalls {
  track(ctx: JsonRpcCallContext): void;
  untrack(ctx: JsonRpcCallContext): void;
  find(id: string | number): JsonRpcCallContext | undefined;
  /** For a batch's next item: undefined when a slot is free, else a Promise that settles once one is. */
  whenCapacity(): Promise<void> | undefined;
}

interface OriginBase {
  readonly request: JsonRpcRequestHead;
  readonly principal: JsonRpcPrincipal | undefined;
  readonly bucket?: RateBucket;
  /** Where its async calls are tracked (aborted when the peer goes away). */
  readonly calls?: RunningCalls;
}

/** Where an HTTP body came from: built once per request. */
export interface HttpCallOrigin extends OriginBase {
  readonly transport: 'http';
}

/**
 * Where a WebSocket frame came from: built once per connection. Being
 * WebSocket means exactly this in the code: `origin.transport === 'ws'`, which
 * narrows to the connection and its ports.
 */
export interface WsCallOrigin extends OriginBase {
  readonly transport: 'ws';
  readonly connection: RpcConnection;
  readonly calls: RunningCalls;
  /** A response from the client to a server -> client request. */
  receive(response: ClientResponse): void;
}

export type CallOrigin = HttpCallOrigin | WsCallOrigin;
