import { JSON_RPC_ERROR_MESSAGES, JsonRpcErrorCode } from './error-codes.js';
import {
  JSONRPC_VERSION,
  type JsonRpcErrorObject,
  type JsonRpcErrorResponse,
  type JsonRpcId,
  type JsonRpcSuccessResponse,
} from './json-rpc.types.js';

export function successResponse(id: JsonRpcId, result: unknown): JsonRpcSuccessResponse {
  // `undefined` would drop the member from the JSON, and a response must carry `result`.
  return { jsonrpc: JSONRPC_VERSION, result: result === undefined ? null : result, id };
}

export function errorResponse(id: JsonRpcId, error: JsonRpcErrorObject): JsonRpcErrorResponse {
  return { jsonrpc: JSONRPC_VERSION, error, id };
}

/** An error object with the spec's standard message for `code`. */
export function standardError(code: JsonRpcErrorCode, data?: unknown): JsonRpcErrorObject {
  const error: JsonRpcErrorObject = { code, message: JSON_RPC_ERROR_MESSAGES[code] ?? 'Server error' };
  if (data !== undefined) error.data = data;
  return error;
}

/**
 * Serializes one response. A result that JSON cannot represent (BigInt, a cycle,
 * a throwing toJSON) becomes an Internal error for that id alone, so one bad
 * item never costs the rest of a batch its answers.
 */
export function serializeResponse(response: JsonRpcSuccessResponse | JsonRpcErrorResponse): string {
  try {
    return JSON.stringify(response);
  } catch {
    if ('error' in response && response.error.data !== undefined) {
      const { data: _dropped, ...error } = response.error;
      return JSON.stringify(errorResponse(response.id, error));
    }
    return JSON.stringify(
      errorResponse(response.id, standardError(JsonRpcErrorCode.InternalError, { reason: 'Result is not serializable as JSON' })),
    );
  }
}

/** Thrown inside JSON.stringify to stop it: the text would be over budget. */
const OVER_BUDGET = new Error('over budget');

/**
 * Serializes one response within `budget` bytes, counting as it goes: a result
 * over the budget is given up as soon as that is certain, instead of being
 * built whole (a 100 MB result would otherwise cost 100 MB and its CPU to be
 * refused). Returns undefined when over. The count is a lower bound of the
 * UTF-8 size (quotes and separators, no escapes), so nothing that fits is
 * refused; the caller checks the exact size of what comes back.
 * Primitive results take the plain path: they cannot be large.
 */
export function serializeWithin(response: JsonRpcSuccessResponse | JsonRpcErrorResponse, budget: number): string | undefined {
  const result = 'result' in response ? response.result : undefined;
  if (typeof result === 'string') return result.length > budget ? undefined : serializeResponse(response);
  if (typeof result !== 'object' || result === null || budget === Infinity) return serializeResponse(response);
  let size = 0;
  try {
    return JSON.stringify(response, function (this: unknown, key: string, value: unknown) {
      if (Array.isArray(this)) size += 1;
      else if (value !== undefined && typeof value !== 'function' && typeof value !== 'symbol') size += key.length + 3;
      if (typeof value === 'string') size += value.length + 2;
      else if (typeof value === 'number') size += 1;
      if (size > budget) throw OVER_BUDGET;
      return value;
    });
  } catch (error) {
    return error === OVER_BUDGET ? undefined : serializeResponse(response); // BigInt, cycles: its usual answer
  }
}

/** Joins serialized items: one item stays an object, several become an array. */
export function joinBatch(items: readonly string[]): string {
  return '[' + items.join(',') + ']';
}

/** A notification frame (server -> client push). Throws if `params` is not JSON-serializable. */
export function notificationText(method: string, params?: unknown): string {
  return params === undefined
    ? JSON.stringify({ jsonrpc: JSONRPC_VERSION, method })
    : JSON.stringify({ jsonrpc: JSONRPC_VERSION, method, params });
}

/** A request frame (server -> client call). */
export function requestText(method: string, params: unknown, id: JsonRpcId): string {
  return params === undefined
    ? JSON.stringify({ jsonrpc: JSONRPC_VERSION, method, id })
    : JSON.stringify({ jsonrpc: JSONRPC_VERSION, method, params, id });
}

/** -32601 for a method that exists only on WebSocket (a subscription, `rpc.cancel`...) called over HTTP. */
export function needsWebSocket(id: JsonRpcId, method: string, what = ''): JsonRpcErrorResponse {
  return errorResponse(id, standardError(JsonRpcErrorCode.MethodNotFound, { reason: `"${method}"${what} needs a WebSocket connection` }));
}
