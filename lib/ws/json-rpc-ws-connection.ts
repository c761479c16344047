import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { JsonRpcConnection } from '../interfaces/json-rpc-connection.interface.js';

/** A live socket and what the library keeps about it. */
export class JsonRpcWsConnection implements JsonRpcConnection {
  readonly id = randomUUID();
  readonly data: Record<string, unknown> = {};

  constructor(
    readonly socket: WebSocket,
    readonly request: IncomingMessage,
  ) {}

  close(code = 1000, reason?: string): void {
    this.socket.close(code, reason);
  }
}
