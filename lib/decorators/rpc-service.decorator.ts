import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import { RPC_SERVICE_METADATA } from '../json-rpc.constants.js';

/**
 * Options of `@RpcService()`.
 *
 * @publicApi
 */
export interface RpcServiceOptions {
  /** Prefix of the method names: `<namespace>.<name>`. Default: none. */
  namespace?: string;
  /** Said of every method of the service in the discovery document (OpenRPC tag description). */
  description?: string;
  /** Tags of every method of the service (the namespace is one already). */
  tags?: readonly string[];
}

export interface RpcServiceMetadata {
  namespace: string | undefined;
  description?: string;
  tags?: readonly string[];
}

/**
 * Marks a provider whose `@RpcMethod()`s are served. With a namespace, method
 * names become `<namespace>.<name>`; without one, no prefix is added.
 * Class-level `@UseGuards()`, `@UsePipes()`, ... apply to every method.
 *
 * @publicApi
 */
export function RpcService(namespaceOrOptions?: string | RpcServiceOptions): ClassDecorator {
  const options: RpcServiceOptions = typeof namespaceOrOptions === 'string' ? { namespace: namespaceOrOptions } : (namespaceOrOptions ?? {});
  const metadata: RpcServiceMetadata = { namespace: options.namespace, description: options.description, tags: options.tags };
  return applyDecorators(Injectable(), SetMetadata(RPC_SERVICE_METADATA, metadata));
}
