import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { JsonRpcRequestHead } from '../interfaces/json-rpc-request-head.interface.js';

/** The handshake's own headers: spent once the socket is open, so not kept with it. */
const HANDSHAKE_HEADERS = new Set(['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'upgrade', 'connection']);

/**
 * The head of an upgrade request, kept for the life of its socket in place of
 * the request (its stream state and raw header strings go): the headers but
 * the handshake's own, the url, method and version (the common values shared,
 * not a string per socket) and the TCP socket, which the WebSocket holds anyway.
 */
export function upgradeRequestHead(request: IncomingMessage, path: string): JsonRpcRequestHead {
  const headers: IncomingHttpHeaders = {};
  for (const name of Object.keys(request.headers)) if (!HANDSHAKE_HEADERS.has(name)) headers[name] = request.headers[name];
  const { method, url, httpVersion, socket } = request;
  return Object.freeze({ method, url: url === path ? path : url, httpVersion: httpVersion === '1.1' ? '1.1' : httpVersion, headers, socket });
}
