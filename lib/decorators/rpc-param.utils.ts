import { assignMetadata, type ParamData, type PipeTransform, type Type } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { RpcParamtype } from '../enums/rpc-paramtype.enum.js';
import { RPC_ARGS_METADATA, RPC_PARAM_MARK } from '../json-rpc.constants.js';

export type RpcParamPipe = Type<PipeTransform> | PipeTransform;

/**
 * Records one handler argument in the shape ExternalContextCreator reads
 * (`{ "<type>:<index>": { index, data, pipes, schema? } }`), marked as ours.
 */
export function createRpcParamDecorator(type: RpcParamtype, data: ParamData | undefined, pipes: RpcParamPipe[], schema?: StandardSchemaV1): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new Error('JSON-RPC param decorators only apply to method parameters');
    const args = assignMetadata(Reflect.getMetadata(RPC_ARGS_METADATA, target.constructor, key) ?? {}, type, index, { data, pipes });
    const entry = args[`${type}:${index}`] as Record<string, unknown>;
    entry[RPC_PARAM_MARK] = true;
    // Set here rather than through assignMetadata's options: the lowest Nest supported may not copy it.
    if (schema !== undefined) entry.schema = schema;
    Reflect.defineMetadata(RPC_ARGS_METADATA, args, target.constructor, key);
  };
}
