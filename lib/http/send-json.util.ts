import type { ServerResponse } from 'node:http';
import { JsonRpcErrorCode } from '../protocol/error-codes.js';
import { errorResponse, serializeResponse, standardError } from '../protocol/response.js';

/** Writes a JSON answer on the raw response (both platforms answer this way); no body means 204-style `end()`. */
export function sendJson(res: ServerResponse, status: number, body?: string): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

export function sendInternalError(res: ServerResponse): void {
  sendJson(res, 500, serializeResponse(errorResponse(null, standardError(JsonRpcErrorCode.InternalError))));
}
