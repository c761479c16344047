import { Inject, Injectable } from '@nestjs/common';
import type { JsonRpcCallContext } from '../context/json-rpc-call-context.js';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import type { RegisteredMethod } from '../json-rpc-method.registry.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { JsonRpcErrorCode } from '../protocol/error-codes.js';
import type { JsonRpcResponse } from '../protocol/json-rpc.types.js';
import { errorResponse, standardError, successResponse } from '../protocol/response.js';
import type { RpcCall } from '../protocol/validate-request.js';
import { ErrorResponder } from '../exceptions/error-responder.js';
import type { RpcConnection } from './rpc-connection.js';
import { subscriptionNotifier } from './subscription-notifier.js';
import type { SubscriptionSource } from './subscription-source.js';

/** Work to run once a message's answer has been sent (a subscription's first value must follow its id). */
export type AfterAnswer = Array<() => void>;

/** `lastEventId` travels inside by-name params; it is taken out so DTO validation never sees it. */
function takeLastEventId(params: RpcCall['params']): string | number | undefined {
  if (params === undefined || Array.isArray(params) || !Object.hasOwn(params, 'lastEventId')) return undefined;
  const value = params['lastEventId'];
  delete params['lastEventId'];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/**
 * What is particular to a subscribe call, around the pipeline the dispatcher
 * runs for it: before, the checks and a reserved slot; after, the stream
 * registered on the connection, started once its id has been sent.
 */
@Injectable()
export class SubscriptionStarter {
  constructor(
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly errors: ErrorResponder,
  ) {}

  /**
   * Undefined when the call may run, else its error answer. The slot is
   * reserved before the pipeline awaits: a batch of subscribe calls must not
   * all pass the check first.
   */
  admit(call: RpcCall, connection: RpcConnection, ctx: JsonRpcCallContext): JsonRpcResponse | undefined {
    if (call.isNotification) return errorResponse(call.id, standardError(JsonRpcErrorCode.InvalidRequest)); // nobody would learn the id
    const limit = this.options.limits.maxSubscriptionsPerConnection;
    if (!connection.subscriptions.reserve(limit)) {
      return errorResponse(call.id, {
        code: JsonRpcErrorCode.RateLimited,
        message: `At most ${limit} subscriptions per connection`,
        data: { limit: 'maxSubscriptionsPerConnection', max: limit },
      });
    }
    ctx.lastEventId = takeLastEventId(call.params);
    return undefined;
  }

  /** The pipeline gave its source: registered now, consumed after the answer (`afterAnswer`). */
  open(call: RpcCall, connection: RpcConnection, method: RegisteredMethod, source: unknown, afterAnswer: AfterAnswer): JsonRpcResponse {
    const { id, start } = connection.subscriptions.add(source as SubscriptionSource, (subscription) =>
      subscriptionNotifier(connection, call.method, subscription, this.errors.toError, method.overflow),
    );
    afterAnswer.push(start);
    return successResponse(call.id, id);
  }

  /** The call failed, timed out or was cancelled: its slot is free again. */
  release(connection: RpcConnection): void {
    connection.subscriptions.unreserve();
  }
}
