import type { IncomingMessage, ServerResponse } from 'node:http';
import { JsonRpcErrorCode } from '../protocol/error-codes.js';
import { errorResponse, serializeResponse, standardError } from '../protocol/response.js';

export interface JsonBodyLimits {
  maxBytes: number;
  /** The whole body must have arrived this long after the reader started. */
  timeoutMs: number;
}

const JSON_TYPES = new Set(['application/json', 'application/json-rpc']);

function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const type = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return JSON_TYPES.has(type);
}

/**
 * Answers without (or before the end of) the body; `Connection: close` so an
 * unread body never poisons keep-alive: Node closes the socket once the answer
 * is out.
 */
export function refuseRequest(res: ServerResponse, status: number, reason: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = serializeResponse(errorResponse(null, standardError(JsonRpcErrorCode.InvalidRequest, { reason })));
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

/**
 * Reads a JSON-RPC POST body itself, byte-limited and with a deadline, before
 * any platform parser can: Express's and Fastify's parsers would answer invalid
 * JSON with their own 400 (we owe -32700), refuse bodies over 100 kB / 1 MiB,
 * and turn an empty body into `{}`. Answers 415, 413 and 408 itself (after
 * `onRefuse`, which lets a platform know the raw response is taken); calls
 * `onBody` with the whole body otherwise. A client gone mid-body gets nothing.
 */
export function readJsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  limits: JsonBodyLimits,
  onBody: (body: Buffer) => void,
  onRefuse: () => void = () => undefined,
): void {
  const { maxBytes, timeoutMs } = limits;
  const refuse = (status: number, reason: string) => {
    onRefuse();
    refuseRequest(res, status, reason);
  };
  if (!isJson(req.headers['content-type'])) return refuse(415, 'Content-Type must be application/json');
  if (Number(req.headers['content-length']) > maxBytes) return refuse(413, `Body larger than ${maxBytes} bytes`);

  const chunks: Buffer[] = [];
  let size = 0;
  const stop = () => {
    clearTimeout(deadline);
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', stop);
    req.off('close', stop);
  };
  const discard = (status: number, reason: string) => {
    stop();
    chunks.length = 0;
    req.resume(); // drain what is still coming; the connection closes after the answer
    refuse(status, reason);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
    else discard(413, `Body larger than ${maxBytes} bytes`);
  };
  const onEnd = () => {
    stop();
    onBody(Buffer.concat(chunks, size));
  };
  // A slow sender (slowloris) would otherwise hold the socket until Node's requestTimeout (300 s).
  const deadline = setTimeout(() => discard(408, `Body not received within ${timeoutMs} ms`), timeoutMs);
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', stop); // client went away mid-body: nobody to answer
  req.on('close', stop);
}
