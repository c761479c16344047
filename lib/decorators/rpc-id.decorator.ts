import { RpcParamtype } from '../enums/rpc-paramtype.enum.js';
import { createRpcParamDecorator } from './rpc-param.utils.js';

/**
 * Injects the request id (`null` for a notification).
 *
 * @publicApi
 */
export function RpcId(): ParameterDecorator {
  return createRpcParamDecorator(RpcParamtype.ID, undefined, []);
}
