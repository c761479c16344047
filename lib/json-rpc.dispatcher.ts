import { Inject, Injectable, Logger } from '@nestjs/common';
import { JsonRpcAuthenticator } from './auth/authenticator.js';
import { CallDeadlines } from './limits/call-deadlines.js';
import { JsonRpcMetrics } from './metrics/json-rpc.metrics.js';
import { JsonRpcTracing } from './metrics/json-rpc.tracing.js';
import { ShutdownState } from './shutdown.state.js';
import { ThrottledLogger } from './utils/throttled-logger.js';
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
const AUTHENTICATE = 'rpc.authenticate';
/** Label for names that are not registered: keeps metric cardinality bounded. */
const UNKNOWN_METHOD = '(unknown)';


/**
 * Transport-agnostic: text in (one frame or body), text out (or nothing).
 * Transports own the bytes; the protocol core owns the rules; this class
 * connects a call to its registered method.
 */
@Injectable()
export class JsonRpcDispatcher {
  private readonly logger = new Logger('JsonRpc');
  private readonly limitLogger = new ThrottledLogger('JsonRpc');
  private readonly mapError = (error: unknown) => this.toError(error);

  constructor(
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly registry: JsonRpcMethodRegistry,
    private readonly shutdown: ShutdownState,
    private readonly authenticator: JsonRpcAuthenticator,
    private readonly metrics: JsonRpcMetrics,
    private readonly tracing: JsonRpcTracing,
    private readonly deadlines: CallDeadlines,
  ) {}

  /** One HTTP body: the answer to send, or undefined (204). */
  handleMessage(text: string, origin: CallOrigin): Promise<string | undefined> {
    const parsed = parseMessage(text, this.options.limits);
    const run = () => processMessage(parsed, (call) => this.execute(call, origin, undefined), undefined, this.options.limits.maxResponseBytes);
    return this.tracing.enabled && parsed.kind === 'batch' ? this.tracing.batch(parsed.items.length, run) : run();
  }

  /** One WebSocket frame: answers on the connection, then starts any new subscriptions. */
  async handleFrame(text: string, origin: CallOrigin & { connection: RpcConnection }): Promise<void> {
    const afterSend: AfterSend = [];
    const { connection } = origin;
    const parsed = parseMessage(text, this.options.limits);
    const run = () =>
      processMessage(
        parsed,
        (call) => this.execute(call, origin, afterSend),
        (response) => connection.receive(response),
        this.options.limits.maxResponseBytes,
      );
    const answer = await (this.tracing.enabled && parsed.kind === 'batch' ? this.tracing.batch(parsed.items.length, run) : run());
    if (answer !== undefined) connection.sendText(answer);
    for (const start of afterSend) start();
  }

  private execute(call: RpcCall, origin: CallOrigin, afterSend: AfterSend | undefined): Promise<JsonRpcResponse> {
    if (!this.tracing.enabled) return this.run(call, origin, afterSend);
    return this.tracing.call(call.method, call.id, origin.transport, () => this.run(call, origin, afterSend), (response) =>
      'error' in response ? response.error.code : undefined,
    );
  }

  private async run(call: RpcCall, origin: CallOrigin, afterSend: AfterSend | undefined): Promise<JsonRpcResponse> {
    if (this.shutdown.draining) {
      return errorResponse(call.id, { code: JsonRpcErrorCode.ShuttingDown, message: 'Server is shutting down' });
    }
    // Every item of a batch counts, known method or not.
    if (origin.bucket && !origin.bucket.take()) return this.limitHit(call, origin, 'ratePerSecond');
    if (call.method === UNSUBSCRIBE) return this.unsubscribe(call, origin);
    if (call.method === AUTHENTICATE) return this.reauthenticate(call, origin);
    const method = this.registry.get(call.method);
    if (method === undefined) {
      this.metrics.callEnded(UNKNOWN_METHOD, origin.transport, JsonRpcErrorCode.MethodNotFound, 0);
      return errorResponse(call.id, standardError(JsonRpcErrorCode.MethodNotFound));
    }
    if (method.kind === 'subscription') return this.subscribe(call, origin, method, afterSend);

    const ctx = new JsonRpcCallContext(origin, call);
    const connection = origin.connection as RpcConnection | undefined;
    connection?.trackCall(ctx);
    this.metrics.callStarted();
    const started = performance.now();
    const response = await this.deadlines.race(this.invoke(method, call, ctx), () => {
      // The handler keeps running until it notices the signal; its late result is dropped.
      ctx.abort(new Error('Handler timeout'));
      return errorResponse(call.id, { code: JsonRpcErrorCode.Timeout, message: 'Handler timed out' });
    });
    connection?.untrackCall(ctx);
    this.finished(call.method, origin, response, started);
    return response;
  }

  private async invoke(method: RegisteredMethod, call: RpcCall, ctx: JsonRpcCallContext): Promise<JsonRpcResponse> {
    try {
      const result = await method.invoke(call.params, ctx);
      // An exception filter that returns an error (rather than throwing it) still means failure.
      return result instanceof Error ? this.failure(call, result) : successResponse(call.id, result);
    } catch (error) {
      return this.failure(call, error);
    }
  }

  private finished(name: string, origin: CallOrigin, response: JsonRpcResponse, started: number): void {
    const elapsed = performance.now() - started;
    if (elapsed > this.options.slowCallMs) this.limitLogger.warn('slow', `slow call "${name}" (${origin.transport}): ${Math.round(elapsed)} ms`);
    this.metrics.callEnded(name, origin.transport, 'error' in response ? response.error.code : 0, elapsed / 1000);
  }

  private limitHit(call: RpcCall, origin: CallOrigin, limit: string): JsonRpcResponse {
    this.limitLogger.warn(limit, `limit ${limit} hit (${origin.transport}, ${origin.request.socket.remoteAddress ?? '?'})`);
    this.metrics.drop(limit);
    return errorResponse(call.id, { code: JsonRpcErrorCode.RateLimited, message: 'Rate limit exceeded', data: { limit } });
  }

  /** `rpc.authenticate` with `[token]` or `{ token }`: a live socket renews its principal before it expires. */
  private async reauthenticate(call: RpcCall, origin: CallOrigin): Promise<JsonRpcResponse> {
    const connection = origin.connection as RpcConnection | undefined;
    if (connection === undefined || !this.authenticator.enabled) return errorResponse(call.id, standardError(JsonRpcErrorCode.MethodNotFound));
    const params = call.params;
    const token = Array.isArray(params) ? params[0] : (params as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string') return errorResponse(call.id, standardError(JsonRpcErrorCode.InvalidParams, ['token must be a string']));
    const result = await this.authenticator.check(connection.upgradeRequest, token, 'ws');
    if (!result.ok || result.principal?.id !== connection.principal?.id) {
      return errorResponse(call.id, { code: JsonRpcErrorCode.Unauthorized, message: 'Authentication failed' });
    }
    connection.principal = result.principal;
    return successResponse(call.id, { expiresAt: result.principal?.expiresAt ?? null });
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
    this.metrics.callStarted();
    const started = performance.now();
    const response = await this.startSubscription(call, connection, method, ctx, afterSend);
    this.finished(call.method, origin, response, started);
    return response;
  }

  private async startSubscription(
    call: RpcCall,
    connection: RpcConnection,
    method: RegisteredMethod,
    ctx: JsonRpcCallContext,
    afterSend: AfterSend,
  ): Promise<JsonRpcResponse> {
    let source: unknown;
    try {
      source = await method.invoke(call.params, ctx);
    } catch (error) {
      return this.failure(call, error);
    }
    if (source instanceof Error) return this.failure(call, source);
    const { id, start } = connection.addSubscription(source as SubscriptionSource, (subscription) =>
      subscriptionNotifier(connection, call.method, subscription, this.mapError, method.overflow),
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
