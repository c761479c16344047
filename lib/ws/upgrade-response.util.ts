import { STATUS_CODES } from 'node:http';
import type { WebSocket } from 'ws';
import type { Duplex } from 'node:stream';
import { JsonRpcCloseCode } from '../protocol/close-codes.js';

/** Why an upgrade is refused: the HTTP status, or the close code when accepting then closing. */
export interface UpgradeRefusal {
  status: number;
  code: JsonRpcCloseCode;
  reason: string;
  headers?: Record<string, string>;
}

export const REFUSALS = {
  shuttingDown: { status: 503, code: JsonRpcCloseCode.GoingAway, reason: 'Server shutting down' },
  origin: { status: 403, code: JsonRpcCloseCode.Forbidden, reason: 'Origin not allowed' },
  unauthorized: { status: 401, code: JsonRpcCloseCode.Unauthorized, reason: 'Authentication required', headers: { 'WWW-Authenticate': 'Bearer' } },
  maxConnections: { status: 503, code: JsonRpcCloseCode.TryAgainLater, reason: 'Too many connections' },
  maxConnectionsPerPrincipal: { status: 503, code: JsonRpcCloseCode.RateLimited, reason: 'Too many connections for this principal' },
  internal: { status: 500, code: JsonRpcCloseCode.InternalError, reason: 'Internal error' },
} as const satisfies Record<string, UpgradeRefusal>;

/** Refuses an upgrade with a plain HTTP status before any WebSocket exists. */
export function refuseUpgrade(socket: Duplex, status: number, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  socket.on('error', () => socket.destroy());
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n${extra}\r\n`);
}

/** `acceptThenClose`: the upgraded socket is closed at once with the refusal's code, which browsers can read. */
export function closeAccepted(ws: WebSocket, refusal: UpgradeRefusal): void {
  ws.on('error', () => undefined);
  ws.close(refusal.code, refusal.reason);
  // Not registered anywhere: a peer that never answers the close must not keep the socket.
  setTimeout(() => ws.terminate(), 2000).unref();
}
