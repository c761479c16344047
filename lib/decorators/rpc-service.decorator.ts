import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import { RPC_SERVICE_METADATA } from '../json-rpc.constants.js';

export interface RpcServiceMetadata {
  namespace: string | undefined;
}

/**
 * Marks a provider whose `@RpcMethod()`s are served. With a namespace, method
 * names become `<namespace>.<name>`; without one, no prefix is added.
 * Class-level `@UseGuards()`, `@UsePipes()`, ... apply to every method.
 *
 * @publicApi
 */
export function RpcService(namespace?: string): ClassDecorator {
  const metadata: RpcServiceMetadata = { namespace };
  return applyDecorators(Injectable(), SetMetadata(RPC_SERVICE_METADATA, metadata));
}
