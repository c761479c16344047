import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

/**
 * The one place that touches `ws`'s private state: its TCP socket, kept as
 * `_socket` (set in `setSocket()`, ws 8.x). Corking it for the rest of the tick
 * turns the frames written in one tick into one write: a syscall per response
 * is the largest single cost under load. Checked at bootstrap, so a `ws` that
 * no longer keeps the field fails loudly instead of silently losing the batching.
 */
type WithTcpSocket = { _socket?: Socket | null };

/** Throws when the installed `ws` does not keep its TCP socket where this file reads it. */
export function assertSocketCorkable(): void {
  const setSocket: unknown = (WebSocket.prototype as unknown as { setSocket?: unknown }).setSocket;
  if (typeof setSocket !== 'function' || !String(setSocket).includes('this._socket = socket')) {
    throw new Error(
      'JsonRpcModule: the installed "ws" no longer keeps its TCP socket as _socket (checked in WebSocket.prototype.setSocket); ' +
        'this version of nestjs-json-rpc supports ws 8.x',
    );
  }
}

/** The socket's TCP socket, while it has one. */
export function tcpSocketOf(ws: WebSocket): Socket | undefined {
  return (ws as unknown as WithTcpSocket)._socket ?? undefined;
}
