import { RpcParamtype } from '../enums/rpc-paramtype.enum.js';
import { createRpcParamDecorator } from './rpc-param.utils.js';

/**
 * Injects the call's `JsonRpcContext` (transport, id, principal, request, signal, ...).
 *
 * @publicApi
 */
export function RpcCtx(): ParameterDecorator {
  return createRpcParamDecorator(RpcParamtype.CONTEXT, undefined, []);
}
