import type { JsonRpcErrorObject, JsonRpcId } from '../protocol/json-rpc.types.js';
import { JsonRpcError } from './client.errors.js';

/** One item of a frame from the server, sorted by what it is. */
export type Incoming =
  | { kind: 'response'; id: JsonRpcId; result: unknown; error: JsonRpcErrorObject | undefined }
  | { kind: 'request'; id: JsonRpcId; method: string; params: unknown }
  | { kind: 'notification'; method: string; params: unknown };

function isErrorObject(value: unknown): value is JsonRpcErrorObject {
  const error = value as JsonRpcErrorObject | null;
  return typeof error === 'object' && error !== null && typeof error.code === 'number' && typeof error.message === 'string';
}

function classify(item: unknown): Incoming | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const message = item as Record<string, unknown>;
  const id = message['id'] as JsonRpcId;
  if (typeof message['method'] === 'string') {
    return Object.hasOwn(message, 'id')
      ? { kind: 'request', id, method: message['method'], params: message['params'] }
      : { kind: 'notification', method: message['method'], params: message['params'] };
  }
  if (Object.hasOwn(message, 'error')) {
    // A malformed error object is still a failure; never turn it into a success.
    const error = isErrorObject(message['error']) ? message['error'] : { code: -32603, message: 'Malformed error response', data: message['error'] };
    return { kind: 'response', id, result: undefined, error };
  }
  if (Object.hasOwn(message, 'result')) return { kind: 'response', id, result: message['result'], error: undefined };
  return undefined;
}

/** The items of one frame or body; anything that is not JSON-RPC is dropped. */
export function parseIncoming(text: string): Incoming[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const out: Incoming[] = [];
  for (const item of items) {
    const incoming = classify(item);
    if (incoming) out.push(incoming);
  }
  return out;
}

/** The error a `handle()`d method answers with: a JsonRpcError as thrown, anything else -32603 without details. */
export function toErrorObject(error: unknown): JsonRpcErrorObject {
  if (error instanceof JsonRpcError) {
    return error.data === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, data: error.data };
  }
  return { code: -32603, message: 'Internal error' };
}
