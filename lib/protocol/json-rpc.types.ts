/** The only protocol version this library speaks. */
export const JSONRPC_VERSION = '2.0';

/** A request id: the spec allows a string, a number or null. */
export type JsonRpcId = string | number | null;

/** `params`: by-name (object) or by-position (array). */
export type JsonRpcParams = Record<string, unknown> | unknown[];

/** The `error` member of a response. `data` is always JSON-safe. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface JsonRpcRequest {
  jsonrpc: typeof JSONRPC_VERSION;
  method: string;
  params?: JsonRpcParams;
  /** Absent on a notification. */
  id?: JsonRpcId;
}

export interface JsonRpcSuccessResponse {
  jsonrpc: typeof JSONRPC_VERSION;
  result: unknown;
  id: JsonRpcId;
}

export interface JsonRpcErrorResponse {
  jsonrpc: typeof JSONRPC_VERSION;
  error: JsonRpcErrorObject;
  id: JsonRpcId;
}

export type JsonRpcResponse = JsonRpcSuccessResponse | JsonRpcErrorResponse;
