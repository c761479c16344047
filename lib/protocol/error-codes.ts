/**
 * Error codes sent in `error.code`. The -32768..-32000 range is reserved by the
 * JSON-RPC 2.0 spec; -32000..-32099 is for server-defined errors.
 *
 * @publicApi
 */
export enum JsonRpcErrorCode {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  /** Base of the HTTP 4xx mapping: `-32000 - (status - 400)`. */
  ServerError = -32000,
  Unauthorized = -32001,
  Forbidden = -32003,
  NotFound = -32004,
  Timeout = -32008,
  Conflict = -32009,
  ResponseTooLarge = -32013,
  /** Rate limit, or another per-connection quota (`data.limit` names it). */
  RateLimited = -32029,
  ShuttingDown = -32099,
  /** As in LSP: the client cancelled the call. */
  RequestCancelled = -32800,
}

/** Short, human messages for the codes the protocol layer produces itself. */
export const JSON_RPC_ERROR_MESSAGES: Readonly<Record<number, string>> = {
  [JsonRpcErrorCode.ParseError]: 'Parse error',
  [JsonRpcErrorCode.InvalidRequest]: 'Invalid Request',
  [JsonRpcErrorCode.MethodNotFound]: 'Method not found',
  [JsonRpcErrorCode.InvalidParams]: 'Invalid params',
  [JsonRpcErrorCode.InternalError]: 'Internal error',
};

/** Maps a 4xx HTTP status to the server-error range (401 -> -32001). */
export function httpStatusToErrorCode(status: number): number {
  return JsonRpcErrorCode.ServerError - (status - 400);
}
