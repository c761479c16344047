import { RpcParamtype } from '../enums/rpc-paramtype.enum.js';
import { createRpcParamDecorator } from './rpc-param.utils.js';

/**
 * On a `@RpcSubscription()`: the `lastEventId` the client sent when it
 * subscribed again after a reconnect (`undefined` on a first subscribe).
 *
 * @publicApi
 */
export function RpcLastEventId(): ParameterDecorator {
  return createRpcParamDecorator(RpcParamtype.LAST_EVENT_ID, undefined, []);
}
