import { RpcParamtype } from '../enums/rpc-paramtype.enum.js';
import { createRpcParamDecorator, type RpcParamPipe } from './rpc-param.utils.js';

/**
 * Injects the call's `params`: the whole object/array, or with a key one property
 * (string) or one position (number). Pipes run on it as on `@Body()`, so a global
 * or method `ValidationPipe` validates a DTO-typed argument.
 *
 * @publicApi
 */
export function RpcParams(...pipes: RpcParamPipe[]): ParameterDecorator;
export function RpcParams(key: string | number, ...pipes: RpcParamPipe[]): ParameterDecorator;
export function RpcParams(keyOrPipe?: string | number | RpcParamPipe, ...pipes: RpcParamPipe[]): ParameterDecorator {
  const hasKey = typeof keyOrPipe === 'string' || typeof keyOrPipe === 'number';
  const allPipes = hasKey || keyOrPipe === undefined ? pipes : [keyOrPipe, ...pipes];
  return createRpcParamDecorator(RpcParamtype.PARAMS, hasKey ? keyOrPipe : undefined, allPipes);
}
