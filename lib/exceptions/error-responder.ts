import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import type { JsonRpcErrorObject, JsonRpcResponse } from '../protocol/json-rpc.types.js';
import { errorResponse } from '../protocol/response.js';
import type { RpcCall } from '../protocol/validate-request.js';
import { isUnexpected, toJsonRpcError } from './to-json-rpc-error.js';

/** Turns what a call threw into its error response, with the module's `exposeErrorDetails`. */
@Injectable()
export class ErrorResponder {
  private readonly logger = new Logger('JsonRpc');
  /** Bound, for passing around (subscription error notifications). */
  readonly toError = (error: unknown): JsonRpcErrorObject => toJsonRpcError(error, this.options.exposeErrorDetails);

  constructor(@Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions) {}

  response(call: RpcCall, error: unknown): JsonRpcResponse {
    // Nest's own external filter has already logged unexpected Errors with their
    // stack; a thrown non-Error (a string, a plain object) it skips, so we log it.
    if (!(error instanceof Error) && isUnexpected(error)) {
      this.logger.error(`"${call.method}" threw a non-Error value: ${safeString(error)}`);
    }
    return errorResponse(call.id, this.toError(error));
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return Object.prototype.toString.call(value);
  }
}
