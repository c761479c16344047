import type { OverflowPolicy } from '../interfaces/rpc-method-options.interface.js';
import type { JsonRpcErrorObject } from '../protocol/json-rpc.types.js';
import { notificationText } from '../protocol/response.js';
import type { RpcConnection } from './rpc-connection.js';
import { RpcEvent, RpcGap } from './rpc-event.js';
import type { SourceObserver } from './subscription-source.js';


/**
 * Turns a subscription's values, error and completion into notifications on
 * its connection. Never throws: a value JSON cannot carry becomes an error
 * notification (a throw inside an rxjs observer would surface as an uncaught
 * exception). With `drop-oldest`, values are held back (at most `bufferSize`,
 * the oldest dropped) while the client is backlogged, then sent after a
 * `{ subscription, gap }` notification.
 */
export function subscriptionNotifier(
  connection: RpcConnection,
  method: string,
  subscription: string,
  toError: (error: unknown) => JsonRpcErrorObject,
  overflow: OverflowPolicy,
): SourceObserver {
  const send = (params: Record<string, unknown>) => {
    try {
      connection.send(notificationText(method, params));
    } catch (error) {
      connection.send(notificationText(method, { subscription, error: toError(error) }));
    }
  };
  const held: Array<Record<string, unknown>> = [];
  let dropped = 0;
  const flush = () => {
    if (dropped > 0) send({ subscription, gap: dropped });
    dropped = 0;
    connection.outbox.release(flush);
    while (held.length > 0) {
      if (connection.outbox.backlogged) return void connection.outbox.holdBack(flush);
      send(held.shift()!);
    }
  };
  const deliver = (params: Record<string, unknown>) => {
    if (overflow.policy === 'close' || (!connection.outbox.backlogged && held.length === 0)) return send(params);
    held.push(params);
    if (held.length > overflow.bufferSize) {
      held.shift();
      dropped++;
    }
    connection.outbox.holdBack(flush);
  };
  return {
    next: (value) =>
      deliver(
        value instanceof RpcEvent
          ? { subscription, result: value.value, eventId: value.eventId }
          : value instanceof RpcGap
            ? { subscription, gap: value.missed ?? true }
            : { subscription, result: value },
      ),
    error: (error) => deliver({ subscription, error: toError(error) }),
    complete: () => deliver({ subscription, complete: true }),
  };
}
