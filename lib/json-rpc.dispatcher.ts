import { Inject, Injectable, Logger } from '@nestjs/common';
import { JsonRpcCallContext, type CallOrigin } from './context/json-rpc-call-context.js';
import { isUnexpected, toJsonRpcError } from './exceptions/to-json-rpc-error.js';
import type { ResolvedJsonRpcOptions } from './interfaces/json-rpc-module-options.interface.js';
import { JsonRpcMethodRegistry, type RegisteredMethod } from './json-rpc-method.registry.js';
import { JSON_RPC_RESOLVED_OPTIONS } from './json-rpc.constants.js';
import { JsonRpcErrorCode } from './protocol/error-codes.js';
import type { JsonRpcErrorObject, JsonRpcResponse } from './protocol/json-rpc.types.js';
import { parseMessage } from './protocol/parse-message.js';
import { processMessage } from './protocol/process-message.js';
import { errorResponse, standardError, successResponse } from './protocol/response.js';
import type { RpcCall } from './protocol/validate-request.js';
import type { RpcConnection } from './push/rpc-connection.js';
import { subscriptionNotifier } from './push/subscription-notifier.js';
import type { SubscriptionSource } from './push/subscription-source.js';

/** Work to run once a frame's answer has been sent (a subscription's first value must follow its id). */
type AfterSend = Array<() => void>;

const UNSUBSCRIBE = 'rpc.unsubscribe';

/**
 * Transport-agnostic: text in (one frame or body), text out (or nothing).
 * Transports own the bytes; the protocol core owns the rules; this class
 * connects a call to its registered method.
 */
@Injectable()
export class JsonRpcDispatcher {
  private readonly logger = new Logger('JsonRpc');
  private readonly mapError = (error: unknown) => this.toError(error);

  constructor(
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly registry: JsonRpcMethodRegistry,
  ) {}

  /** One HTTP body: the answer to send, or undefined (204). */
  handleMessage(text: string, origin: CallOrigin): Promise<string | undefined> {
    return processMessage(parseMessage(text, this.options.limits), (call) => this.execute(call, origin, undefined));
  }

  /** One WebSocket frame: answers on the connection, then starts any new subscriptions. */
  async handleFrame(text: string, origin: CallOrigin & { connection: RpcConnection }): Promise<void> {
    const afterSend: AfterSend = [];
    const { connection } = origin;
    const answer = await processMessage(
      parseMessage(text, this.options.limits),
      (call) => this.execute(call, origin, afterSend),
      (response) => connection.receive(response),
    );
    if (answer !== undefined) connection.sendText(answer);
    for (const start of afterSend) start();
  }

  private async execute(call: RpcCall, origin: CallOrigin, afterSend: AfterSend | undefined): Promise<JsonRpcResponse> {
    if (call.method === UNSUBSCRIBE) return this.unsubscribe(call, origin);
    const method = this.registry.get(call.method);
    if (method === undefined) return errorResponse(call.id, standardError(JsonRpcErrorCode.MethodNotFound));
    if (method.kind === 'subscription') return this.subscribe(call, origin, method, afterSend);

    const ctx = new JsonRpcCallContext(origin, call);
    const connection = origin.connection as RpcConnection | undefined;
    connection?.trackCall(ctx);
    try {
      const result = await method.invoke(call.params, ctx);
      // An exception filter that returns an error (rather than throwing it) still means failure.
      return result instanceof Error ? this.failure(call, result) : successResponse(call.id, result);
    } catch (error) {
      return this.failure(call, error);
    } finally {
      connection?.untrackCall(ctx);
    }
  }

  private async subscribe(call: RpcCall, origin: CallOrigin, method: RegisteredMethod, afterSend: AfterSend | undefined): Promise<JsonRpcResponse> {
    const connection = origin.connection as RpcConnection | undefined;
    if (connection === undefined || afterSend === undefined) {
      return errorResponse(call.id, standardError(JsonRpcErrorCode.MethodNotFound, { reason: `"${call.method}" is a subscription: it needs a WebSocket connection` }));
    }
    if (call.isNotification) return errorResponse(call.id, standardError(JsonRpcErrorCode.InvalidRequest)); // nobody would learn the id
    const limit = this.options.limits.maxSubscriptionsPerConnection;
    if (connection.subscriptionCount >= limit) {
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
      return this.failure(call, error);
    }
    if (source instanceof Error) return this.failure(call, source);
    const { id, start } = connection.addSubscription(source as SubscriptionSource, (subscription) =>
      subscriptionNotifier(connection, call.method, subscription, this.mapError),
    );
    afterSend.push(start);
    return successResponse(call.id, id);
  }

  /** `rpc.unsubscribe` with `[id]` or `{ subscription: id }`: true, or false if unknown. */
  private unsubscribe(call: RpcCall, origin: CallOrigin): JsonRpcResponse {
    const connection = origin.connection as RpcConnection | undefined;
    if (connection === undefined) return errorResponse(call.id, standardError(JsonRpcErrorCode.MethodNotFound, { reason: 'Subscriptions need a WebSocket connection' }));
    const params = call.params;
    const id = Array.isArray(params) ? params[0] : (params as { subscription?: unknown } | undefined)?.subscription;
    if (typeof id !== 'string') return errorResponse(call.id, standardError(JsonRpcErrorCode.InvalidParams, ['subscription must be a string']));
    return successResponse(call.id, connection.unsubscribe(id));
  }

  private failure(call: RpcCall, error: unknown): JsonRpcResponse {
    // Nest's own external filter has already logged unexpected Errors with their
    // stack; a thrown non-Error (a string, a plain object) it skips, so we log it.
    if (!(error instanceof Error) && isUnexpected(error)) {
      this.logger.error(`"${call.method}" threw a non-Error value: ${safeString(error)}`);
    }
    return errorResponse(call.id, this.toError(error));
  }

  private toError(error: unknown): JsonRpcErrorObject {
    return toJsonRpcError(error, this.options.exposeErrorDetails);
  }
}

/** `lastEventId` travels inside by-name params; it is taken out so DTO validation never sees it. */
function takeLastEventId(params: RpcCall['params']): string | number | undefined {
  if (params === undefined || Array.isArray(params) || !Object.hasOwn(params, 'lastEventId')) return undefined;
  const value = params['lastEventId'];
  delete params['lastEventId'];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return Object.prototype.toString.call(value);
  }
}
