import { Inject, Injectable } from '@nestjs/common';
import { JsonRpcCallContext, type CallOrigin } from '../context/json-rpc-call-context.js';
import { ErrorResponder } from '../exceptions/error-responder.js';
import { isFailure } from '../exceptions/is-failure.js';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import type { RegisteredMethod } from '../json-rpc-method.registry.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { JsonRpcErrorCode } from '../protocol/error-codes.js';
import type { JsonRpcResponse } from '../protocol/json-rpc.types.js';
import { errorResponse, standardError, successResponse } from '../protocol/response.js';
import type { RpcCall } from '../protocol/validate-request.js';
import type { RpcConnection } from './rpc-connection.js';
import { subscriptionNotifier } from './subscription-notifier.js';
import type { SubscriptionSource } from './subscription-source.js';

/** Work to run once a frame's answer has been sent (a subscription's first value must follow its id). */
export type AfterSend = Array<() => void>;

/** `lastEventId` travels inside by-name params; it is taken out so DTO validation never sees it. */
function takeLastEventId(params: RpcCall['params']): string | number | undefined {
  if (params === undefined || Array.isArray(params) || !Object.hasOwn(params, 'lastEventId')) return undefined;
  const value = params['lastEventId'];
  delete params['lastEventId'];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/** A subscribe call: checks, the Nest pipeline on the call, then the stream registered on the connection. */
@Injectable()
export class SubscriptionStarter {
  constructor(
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly errors: ErrorResponder,
  ) {}

  async start(call: RpcCall, origin: CallOrigin, method: RegisteredMethod, afterSend: AfterSend | undefined): Promise<JsonRpcResponse> {
    const connection = origin.connection as RpcConnection | undefined;
    if (connection === undefined || afterSend === undefined) {
      return errorResponse(call.id, standardError(JsonRpcErrorCode.MethodNotFound, { reason: `"${call.method}" is a subscription: it needs a WebSocket connection` }));
    }
    if (call.isNotification) return errorResponse(call.id, standardError(JsonRpcErrorCode.InvalidRequest)); // nobody would learn the id
    const limit = this.options.limits.maxSubscriptionsPerConnection;
    // Reserved before the pipeline awaits: a batch of subscribe calls must not all pass the check first.
    if (!connection.subscriptions.reserve(limit)) {
      return errorResponse(call.id, {
        code: JsonRpcErrorCode.RateLimited,
        message: `At most ${limit} subscriptions per connection`,
        data: { limit: 'maxSubscriptionsPerConnection', max: limit },
      });
    }
    const ctx = new JsonRpcCallContext(origin, call);
    ctx.lastEventId = takeLastEventId(call.params);
    let source: unknown;
    try {
      source = await method.invoke(call.params, ctx);
    } catch (error) {
      connection.subscriptions.unreserve();
      return this.errors.response(call, error);
    }
    if (isFailure(source)) {
      connection.subscriptions.unreserve();
      return this.errors.response(call, source); // an exception filter's answer
    }
    const { id, start } = connection.subscriptions.add(source as SubscriptionSource, (subscription) =>
      subscriptionNotifier(connection, call.method, subscription, this.errors.toError, method.overflow),
    );
    afterSend.push(start);
    return successResponse(call.id, id);
  }
}
