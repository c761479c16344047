import type { IncomingMessage } from 'node:http';

/**
 * One live WebSocket connection.
 *
 * @publicApi
 */
export interface JsonRpcConnection {
  /** Unique id of this connection on this node. */
  readonly id: string;
  /** The HTTP upgrade request that opened the socket. */
  readonly request: IncomingMessage;
  /** Free-form state that lives as long as the connection. */
  readonly data: Record<string, unknown>;
  /** Closes the socket with a WebSocket close code. */
  close(code?: number, reason?: string): void;
}
