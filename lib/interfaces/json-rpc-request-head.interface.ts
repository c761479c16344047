import type { IncomingMessage } from 'node:http';

/**
 * What every call can read of the HTTP request behind it, on both transports:
 * over HTTP the request itself; over WebSocket what was kept of the upgrade
 * request when the socket opened (its `headers` but the handshake's own, `url`,
 * `method`, `httpVersion` and the TCP `socket`, from which `remoteAddress` is read).
 * The upgrade `IncomingMessage` itself is not kept for the life of the socket:
 * with its stream state and raw header strings it would cost about 1 KiB per
 * connection.
 *
 * @publicApi
 */
export type JsonRpcRequestHead = Pick<IncomingMessage, 'method' | 'url' | 'httpVersion' | 'headers' | 'socket'>;
