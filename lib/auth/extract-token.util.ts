import type { JsonRpcRequestHead } from '../interfaces/json-rpc-request-head.interface.js';

/** Browsers cannot set WebSocket headers: `new WebSocket(url, ['json-rpc', 'bearer.' + token])`. */
export const BEARER_PROTOCOL_PREFIX = 'bearer.';

/** The bearer token of a request: `Authorization: Bearer`, else a `bearer.<token>` subprotocol. */
export function extractToken(request: JsonRpcRequestHead): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined && header.slice(0, 7).toLowerCase() === 'bearer ') return header.slice(7).trim() || undefined;
  const protocols = request.headers['sec-websocket-protocol'];
  if (protocols === undefined) return undefined;
  for (const entry of protocols.split(',')) {
    const protocol = entry.trim();
    if (protocol.startsWith(BEARER_PROTOCOL_PREFIX)) return protocol.slice(BEARER_PROTOCOL_PREFIX.length) || undefined;
  }
  return undefined;
}

/** The `ticket` query parameter of a WebSocket URL. */
export function extractTicket(request: JsonRpcRequestHead): string | undefined {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  return new URLSearchParams(url.slice(query + 1)).get('ticket') ?? undefined;
}
