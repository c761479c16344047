import type { ArgumentsHost } from '@nestjs/common';
import type { JsonRpcContext } from '../interfaces/json-rpc-context.interface.js';
import { JSON_RPC_CONTEXT_TYPE } from '../json-rpc.constants.js';
import type { JsonRpcParams } from '../protocol/json-rpc.types.js';

/** `'json-rpc'` beside Nest's own context types, for `host.getType<JsonRpcContextType>()`. */
export type JsonRpcContextType = typeof JSON_RPC_CONTEXT_TYPE;

/**
 * Typed view over the arguments every enhancer receives for a JSON-RPC call
 * (`[params, JsonRpcContext]`), in the manner of `GqlExecutionContext`.
 *
 * @publicApi
 */
export class JsonRpcExecutionContext {
  private constructor(private readonly host: ArgumentsHost) {}

  static create(host: ArgumentsHost): JsonRpcExecutionContext {
    return new JsonRpcExecutionContext(host);
  }

  /** Whether the host belongs to a JSON-RPC call (and not to HTTP, WS gateways, ...). */
  static isJsonRpc(host: ArgumentsHost): boolean {
    return host.getType<string>() === JSON_RPC_CONTEXT_TYPE;
  }

  getType(): string {
    return this.host.getType<string>();
  }

  getParams<T = JsonRpcParams | undefined>(): T {
    return this.host.getArgByIndex<T>(0);
  }

  getContext<TPrincipal = unknown>(): JsonRpcContext<TPrincipal> {
    return this.host.getArgByIndex<JsonRpcContext<TPrincipal>>(1);
  }
}
