import type { RpcSubscriptionOptions } from '../interfaces/rpc-method-options.interface.js';
import { rpcHandlerDecorator } from './rpc-method-metadata.util.js';

/**
 * A subscription (WebSocket only): the handler returns an Observable or an
 * AsyncIterable. Guards, pipes, interceptors and filters run on the subscribe
 * call, whose result is the subscription id; each value is then pushed as a
 * notification `{ method, params: { subscription, result, eventId? } }`, an error
 * as `{ subscription, error }`, completion as `{ subscription, complete: true }`.
 * Emit `new RpcEvent(value, eventId)` to make the stream resumable.
 *
 * @publicApi
 */
export function RpcSubscription(nameOrOptions?: string | RpcSubscriptionOptions): MethodDecorator {
  return rpcHandlerDecorator('subscription', nameOrOptions);
}
