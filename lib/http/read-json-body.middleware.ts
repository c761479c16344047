import type { IncomingMessage, ServerResponse } from 'node:http';
import { JsonRpcErrorCode } from '../protocol/error-codes.js';
import { errorResponse, serializeResponse, standardError } from '../protocol/response.js';
import { requestPath } from '../utils/request-path.util.js';

/** Where the raw body of a JSON-RPC POST is left for the route. */
export const RAW_BODY = Symbol('json-rpc:raw-body');

export type RequestWithRawBody = IncomingMessage & { [RAW_BODY]?: Buffer };
type Next = (error?: unknown) => void;

const JSON_TYPES = new Set(['application/json', 'application/json-rpc']);

function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const type = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return JSON_TYPES.has(type);
}

/** Answers before the body is read; `Connection: close` so an unread body never poisons keep-alive. */
function reject(res: ServerResponse, status: number, reason: string): void {
  const body = serializeResponse(errorResponse(null, standardError(JsonRpcErrorCode.InvalidRequest, { reason })));
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

/**
 * Reads the body of `POST {path}` itself, byte-limited, before the platform's
 * JSON parser can: that parser would answer invalid JSON with its own 400 (we
 * owe -32700), refuse bodies over 100 kB, and turn an empty body into `{}`.
 * Installed at the front of the middleware stack; everything else
 * (CORS, helmet, ...) still runs before the route.
 */
export function createJsonBodyReader(path: string, maxBytes: number) {
  return function jsonRpcBodyReader(req: RequestWithRawBody, res: ServerResponse, next: Next): void {
    if (req.method !== 'POST' || requestPath(req.url) !== path) return next();
    if (!isJson(req.headers['content-type'])) return reject(res, 415, 'Content-Type must be application/json');
    const declared = Number(req.headers['content-length']);
    if (declared > maxBytes) return reject(res, 413, `Body larger than ${maxBytes} bytes`);

    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', stop);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      chunks.length = 0;
      req.resume(); // discard the rest; the connection closes after the answer
      reject(res, 413, `Body larger than ${maxBytes} bytes`);
    };
    const onEnd = () => {
      stop();
      req[RAW_BODY] = Buffer.concat(chunks, size);
      next();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', stop); // client went away mid-body: nobody to answer
  };
}
