import { Inject, Injectable, Logger } from '@nestjs/common';
import { JsonRpcCallContext, type CallOrigin } from './context/json-rpc-call-context.js';
import { isUnexpected, toJsonRpcError } from './exceptions/to-json-rpc-error.js';
import type { ResolvedJsonRpcOptions } from './interfaces/json-rpc-module-options.interface.js';
import { JsonRpcMethodRegistry } from './json-rpc-method.registry.js';
import { JSON_RPC_RESOLVED_OPTIONS } from './json-rpc.constants.js';
import { JsonRpcErrorCode } from './protocol/error-codes.js';
import type { JsonRpcResponse } from './protocol/json-rpc.types.js';
import { parseMessage } from './protocol/parse-message.js';
import { processMessage } from './protocol/process-message.js';
import { errorResponse, standardError, successResponse } from './protocol/response.js';
import type { RpcCall } from './protocol/validate-request.js';

/**
 * Transport-agnostic: text in (one frame or body), text out (or nothing).
 * Transports own the bytes; the protocol core owns the rules; this class
 * connects a call to its registered method.
 */
@Injectable()
export class JsonRpcDispatcher {
  private readonly logger = new Logger('JsonRpc');

  constructor(
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly registry: JsonRpcMethodRegistry,
  ) {}

  handleMessage(text: string, origin: CallOrigin): Promise<string | undefined> {
    return processMessage(parseMessage(text, this.options.limits), (call) => this.execute(call, origin));
  }

  async execute(call: RpcCall, origin: CallOrigin): Promise<JsonRpcResponse> {
    const method = this.registry.get(call.method);
    if (method === undefined) return errorResponse(call.id, standardError(JsonRpcErrorCode.MethodNotFound));
    const ctx = new JsonRpcCallContext(origin, call);
    try {
      const result = await method.invoke(call.params, ctx);
      // An exception filter that returns an error (rather than throwing it) still means failure.
      return result instanceof Error ? this.failure(call, result) : successResponse(call.id, result);
    } catch (error) {
      return this.failure(call, error);
    }
  }

  private failure(call: RpcCall, error: unknown): JsonRpcResponse {
    // Nest's own external filter has already logged unexpected Errors with their
    // stack; a thrown non-Error (a string, a plain object) it skips, so we log it.
    if (!(error instanceof Error) && isUnexpected(error)) {
      this.logger.error(`"${call.method}" threw a non-Error value: ${safeString(error)}`);
    }
    return errorResponse(call.id, toJsonRpcError(error, this.options.exposeErrorDetails));
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
