import { Injectable, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { httpParamTypes, positionalCount } from './decorators/rpc-args-plan.util.js';
import type { RpcServiceMetadata } from './decorators/rpc-service.decorator.js';
import type { RpcMethodMetadata } from './interfaces/rpc-method-options.interface.js';
import { RPC_METHOD_METADATA, RPC_SERVICE_METADATA } from './json-rpc.constants.js';

/** Typed reads of what the decorators wrote (read only: nothing is written back at bootstrap). */
@Injectable()
export class JsonRpcMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  service(target: Type): RpcServiceMetadata | undefined {
    return this.reflector.get<RpcServiceMetadata | undefined>(RPC_SERVICE_METADATA, target);
  }

  method(handler: (...args: unknown[]) => unknown): RpcMethodMetadata | undefined {
    return this.reflector.get<RpcMethodMetadata | undefined>(RPC_METHOD_METADATA, handler);
  }

  /** Undecorated arguments that take positional params. */
  positionalCount(target: Type, methodKey: string): number {
    return positionalCount(target, methodKey);
  }

  /** Route param types of Nest's HTTP param decorators on the method (`@Body()`, `@Req()`...). */
  httpParamTypes(target: Type, methodKey: string): number[] {
    return httpParamTypes(target, methodKey);
  }
}
