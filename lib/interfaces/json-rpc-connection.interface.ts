import type { JsonRpcPrincipal } from './json-rpc-module-options.interface.js';
import type { JsonRpcRequestHead } from './json-rpc-request-head.interface.js';

/** Options of `connection.request()`. */
export interface RpcRequestOptions {
  /** Reject if the client has not answered by then. Default 30 000 ms. */
  timeoutMs?: number;
}

/**
 * One live WebSocket connection.
 *
 * @publicApi
 */
export interface JsonRpcConnection {
  /** Unique id of this connection (a UUID). */
  readonly id: string;
  /** What is kept of the HTTP upgrade request that opened the socket: headers, url, method, socket (remote address). */
  readonly upgradeRequest: JsonRpcRequestHead;
  /** Who is connected, as `authenticate` returned it; `undefined` without it. */
  readonly principal: JsonRpcPrincipal | undefined;
  /** Free-form state that lives as long as the connection. */
  readonly data: Record<string, unknown>;
  /** Topics this connection has joined. */
  readonly topics: ReadonlySet<string>;
  /** Joins a topic; resolves once publishes to it (from any node) will arrive. */
  join(topic: string): Promise<void>;
  leave(topic: string): Promise<void>;
  /** Sends a notification to this client; false if the socket is closed. */
  notify(method: string, params?: unknown): boolean;
  /**
   * Calls a method *on the client* and resolves with its result. Rejects with a
   * JsonRpcException when the client answers an error, or on timeout or disconnect.
   */
  request<T = unknown>(method: string, params?: unknown, options?: RpcRequestOptions): Promise<T>;
  /** Closes the socket with a WebSocket close code. */
  close(code?: number, reason?: string): void;
}

/**
 * Implement on any provider to hear of WebSocket connections opening.
 *
 * @publicApi
 */
export interface OnRpcConnect {
  onRpcConnect(connection: JsonRpcConnection): void | Promise<void>;
}

/**
 * Implement on any provider to hear of WebSocket connections closing (after
 * their subscriptions were torn down).
 *
 * @publicApi
 */
export interface OnRpcDisconnect {
  onRpcDisconnect(connection: JsonRpcConnection, code: number): void | Promise<void>;
}
