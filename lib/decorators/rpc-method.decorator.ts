import type { RpcMethodOptions } from '../interfaces/rpc-method-options.interface.js';
import { rpcHandlerDecorator } from './rpc-method-metadata.util.js';

/**
 * Serves this method over JSON-RPC (WebSocket and HTTP). The name defaults to the
 * method's own name, under the `@RpcService()` namespace. The handler may return
 * a value, a Promise or an Observable (its last value is the result).
 *
 * @publicApi
 */
export function RpcMethod(nameOrOptions?: string | RpcMethodOptions): MethodDecorator {
  return rpcHandlerDecorator('method', nameOrOptions);
}
