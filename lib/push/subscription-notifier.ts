import type { JsonRpcErrorObject } from '../protocol/json-rpc.types.js';
import { notificationText } from '../protocol/response.js';
import type { RpcConnection } from './rpc-connection.js';
import { RpcEvent } from './rpc-event.js';
import type { SourceObserver } from './subscription-source.js';

/**
 * Turns a subscription's values, error and completion into notifications on
 * its connection. Never throws: a value JSON cannot carry becomes an error
 * notification (a throw inside an rxjs observer would surface as an uncaught
 * exception).
 */
export function subscriptionNotifier(
  connection: RpcConnection,
  method: string,
  subscription: string,
  toError: (error: unknown) => JsonRpcErrorObject,
): SourceObserver {
  const send = (params: Record<string, unknown>) => {
    try {
      connection.sendText(notificationText(method, params));
    } catch (error) {
      connection.sendText(notificationText(method, { subscription, error: toError(error) }));
    }
  };
  return {
    next: (value) =>
      send(
        value instanceof RpcEvent
          ? { subscription, result: value.value, eventId: value.eventId }
          : { subscription, result: value },
      ),
    error: (error) => send({ subscription, error: toError(error) }),
    complete: () => send({ subscription, complete: true }),
  };
}
