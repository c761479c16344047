import { SetMetadata } from '@nestjs/common';
import type { RpcMethodMetadata, RpcMethodOptions } from '../interfaces/rpc-method-options.interface.js';
import { RPC_METHOD_METADATA } from '../json-rpc.constants.js';

/**
 * Serves this method over JSON-RPC (WebSocket and HTTP). The name defaults to the
 * method's own name, under the `@RpcService()` namespace. The handler may return
 * a value, a Promise or an Observable (its last value is the result).
 *
 * @publicApi
 */
export function RpcMethod(nameOrOptions?: string | RpcMethodOptions): MethodDecorator {
  const options: RpcMethodOptions = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : (nameOrOptions ?? {});
  const metadata: RpcMethodMetadata = {
    kind: 'method',
    name: options.name,
    description: options.description,
    paramNames: options.paramNames,
  };
  return SetMetadata(RPC_METHOD_METADATA, metadata);
}
