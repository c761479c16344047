import type { RpcMethodMetadata, RpcSubscriptionOptions } from '../interfaces/rpc-method-options.interface.js';
import { RPC_METHOD_METADATA } from '../json-rpc.constants.js';
import { markEntryProvider } from '../pipeline/nest-internals.js';
import { completeArgsMetadata } from './rpc-args-plan.util.js';

/** What `@RpcMethod()` and `@RpcSubscription()` store: one shape, told apart by `kind`. */
export function rpcMethodMetadata(kind: RpcMethodMetadata['kind'], nameOrOptions: string | RpcSubscriptionOptions | undefined): RpcMethodMetadata {
  const options: RpcSubscriptionOptions = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : (nameOrOptions ?? {});
  return {
    kind,
    name: options.name,
    description: options.description,
    paramNames: options.paramNames,
    summary: options.summary,
    tags: options.tags,
    deprecated: options.deprecated,
    errors: options.errors,
    result: options.result,
    overflow: { policy: options.overflow ?? 'close', bufferSize: options.bufferSize ?? 100 },
  };
}

/**
 * The decorator behind `@RpcMethod()` and `@RpcSubscription()`: the method's
 * metadata, its argument metadata, and its class marked as a Nest entry
 * provider (so request-scoped global enhancers reach it as they reach controllers).
 */
export function rpcHandlerDecorator(kind: RpcMethodMetadata['kind'], nameOrOptions: string | RpcSubscriptionOptions | undefined): MethodDecorator {
  const metadata = rpcMethodMetadata(kind, nameOrOptions);
  return (target, key, descriptor) => {
    const handler = descriptor.value as unknown;
    if (typeof handler !== 'function') throw new Error(`@Rpc${kind === 'method' ? 'Method' : 'Subscription'}() applies to methods only (${String(key)})`);
    Reflect.defineMetadata(RPC_METHOD_METADATA, metadata, handler);
    completeArgsMetadata(target.constructor, key, handler.length);
    markEntryProvider(target.constructor);
  };
}
