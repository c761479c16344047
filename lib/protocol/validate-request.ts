import { JsonRpcErrorCode } from './error-codes.js';
import { inspectParams } from './inspect-params.js';
import { JSONRPC_VERSION, type JsonRpcErrorObject, type JsonRpcId, type JsonRpcParams } from './json-rpc.types.js';
import { standardError } from './response.js';

/** A well-formed request or notification, ready for dispatch. */
export interface RpcCall {
  readonly kind: 'call';
  readonly method: string;
  readonly params: JsonRpcParams | undefined;
  /** `null` for notifications too; check `isNotification`. */
  readonly id: JsonRpcId;
  readonly isNotification: boolean;
}

/** An item that fails the Request rules: always answered, even without an id. */
export interface InvalidCall {
  readonly kind: 'invalid';
  readonly id: JsonRpcId;
  readonly error: JsonRpcErrorObject;
}

/**
 * A response sent *by the client*, answering a server -> client request over
 * WebSocket. Told apart from requests by having no `method`.
 */
export interface ClientResponse {
  readonly kind: 'response';
  readonly id: JsonRpcId;
  readonly result?: unknown;
  readonly error?: JsonRpcErrorObject;
}

export type MessageItem = RpcCall | InvalidCall | ClientResponse;

export interface RequestLimits {
  readonly maxMethodNameLength: number;
  readonly maxParamsDepth: number;
}

/** A number id must survive the round trip: JSON turns 1e400 into Infinity, which would be echoed as null. */
function isId(value: unknown): value is JsonRpcId {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function invalid(id: JsonRpcId, reason: string, code = JsonRpcErrorCode.InvalidRequest): InvalidCall {
  return { kind: 'invalid', id, error: standardError(code, { reason }) };
}

/** Checks one parsed value against every Request rule of JSON-RPC 2.0. */
export function validateRequest(value: unknown, limits: RequestLimits): MessageItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(null, 'A request must be an object');
  }
  const request = value as Record<string, unknown>;
  const hasId = Object.hasOwn(request, 'id');
  const id = request['id'];
  if (hasId && !isId(id)) return invalid(null, 'id must be a string, a number or null');
  const echoId = hasId ? (id as JsonRpcId) : null;
  if (request['jsonrpc'] !== JSONRPC_VERSION) return invalid(echoId, 'jsonrpc must be exactly "2.0"');
  if (!Object.hasOwn(request, 'method') && hasId) {
    const response = toClientResponse(request, echoId);
    if (response) return response;
  }
  const method = request['method'];
  if (typeof method !== 'string') return invalid(echoId, 'method must be a string');
  if (method.length > limits.maxMethodNameLength) {
    return invalid(echoId, `method name longer than ${limits.maxMethodNameLength} characters`);
  }
  const params = request['params'];
  if (Object.hasOwn(request, 'params')) {
    if (typeof params !== 'object' || params === null) return invalid(echoId, 'params must be an object or an array');
    const refused = inspectParams(params, limits.maxParamsDepth);
    if (refused === 'depth') return invalid(echoId, `params nested deeper than ${limits.maxParamsDepth} levels`, JsonRpcErrorCode.InvalidParams);
    if (refused === 'nonFinite') return invalid(echoId, 'params contain a number out of range (JSON has no Infinity)', JsonRpcErrorCode.InvalidParams);
  }
  return {
    kind: 'call',
    method,
    params: params as JsonRpcParams | undefined,
    id: echoId,
    isNotification: !hasId,
  };
}

function isErrorObject(value: unknown): value is JsonRpcErrorObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as JsonRpcErrorObject).code === 'number' &&
    typeof (value as JsonRpcErrorObject).message === 'string'
  );
}

/** Exactly one of `result` / `error` (a well-formed error object), or it is no response. */
function toClientResponse(request: Record<string, unknown>, id: JsonRpcId): ClientResponse | undefined {
  const hasResult = Object.hasOwn(request, 'result');
  const hasError = Object.hasOwn(request, 'error');
  if (hasResult === hasError) return undefined;
  if (hasResult) return { kind: 'response', id, result: request['result'] };
  return isErrorObject(request['error']) ? { kind: 'response', id, error: request['error'] } : undefined;
}
