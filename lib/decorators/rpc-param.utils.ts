import { assignMetadata, type ParamData, type PipeTransform, type Type } from '@nestjs/common';
import type { RpcParamtype } from '../enums/rpc-paramtype.enum.js';
import { RPC_ARGS_METADATA } from '../json-rpc.constants.js';

export type RpcParamPipe = Type<PipeTransform> | PipeTransform;

/**
 * Records one handler argument in the shape ExternalContextCreator reads
 * (`{ "<type>:<index>": { index, data, pipes } }`), under our own key so that
 * HTTP controllers and other transports never see it.
 */
export function createRpcParamDecorator(type: RpcParamtype, data: ParamData | undefined, pipes: RpcParamPipe[]): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new Error('JSON-RPC param decorators only apply to method parameters');
    const args = Reflect.getMetadata(RPC_ARGS_METADATA, target.constructor, key) ?? {};
    Reflect.defineMetadata(RPC_ARGS_METADATA, assignMetadata(args, type, index, { data, pipes }), target.constructor, key);
  };
}
