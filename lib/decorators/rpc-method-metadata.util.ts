import type { RpcMethodMetadata, RpcSubscriptionOptions } from '../interfaces/rpc-method-options.interface.js';

/** What `@RpcMethod()` and `@RpcSubscription()` store: one shape, told apart by `kind`. */
export function rpcMethodMetadata(kind: RpcMethodMetadata['kind'], nameOrOptions: string | RpcSubscriptionOptions | undefined): RpcMethodMetadata {
  const options: RpcSubscriptionOptions = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : (nameOrOptions ?? {});
  return {
    kind,
    name: options.name,
    description: options.description,
    paramNames: options.paramNames,
    overflow: options.overflow ?? 'close',
    bufferSize: options.bufferSize ?? 100,
  };
}
