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
