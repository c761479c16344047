import type { JsonRpcId } from '../protocol/json-rpc.types.js';
import type { JsonRpcConnection } from './json-rpc-connection.interface.js';
import type { JsonRpcRequestHead } from './json-rpc-request-head.interface.js';

export type JsonRpcTransport = 'ws' | 'http';

/**
 * Everything about one call: available through `@RpcCtx()` and as
 * `ExecutionContext.switchToRpc().getContext()` in guards, interceptors and filters.
 *
 * @publicApi
 */
export interface JsonRpcContext<TPrincipal = unknown> {
  readonly transport: JsonRpcTransport;
  /** The method name as called, namespace included. */
  readonly method: string;
  /** The request id; `null` for notifications (see `isNotification`). */
  readonly id: JsonRpcId;
  readonly isNotification: boolean;
  /** Who is calling, as returned by the `authenticate` option; `undefined` without it. */
  readonly principal: TPrincipal | undefined;
  /** The WebSocket connection (WS only). */
  readonly connection?: JsonRpcConnection;
  /**
   * The HTTP request (HTTP, the `IncomingMessage` itself) or the head of the WebSocket
   * upgrade request (WS: headers, url, method, socket): headers are readable on both.
   */
  readonly request: JsonRpcRequestHead;
  /**
   * On a subscribe call: the `lastEventId` the client passed in its params (taken
   * out of them before pipes run), to replay what it missed.
   */
  readonly lastEventId?: string | number;
  /** Aborted when the call is abandoned (client gone). Created on first access. */
  readonly signal: AbortSignal;
}
