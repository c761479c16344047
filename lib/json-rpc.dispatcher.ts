import { Inject, Injectable } from '@nestjs/common';
import { RpcBuiltins } from './builtins/rpc-builtins.js';
import type { CallOrigin } from './context/call-origin.js';
import { JsonRpcCallContext } from './context/json-rpc-call-context.js';
import { ErrorResponder } from './exceptions/error-responder.js';
import { isFailure } from './exceptions/is-failure.js';
import type { ResolvedJsonRpcOptions } from './interfaces/json-rpc-module-options.interface.js';
import { JsonRpcMethodRegistry, type RegisteredMethod } from './json-rpc-method.registry.js';
import { JSON_RPC_RESOLVED_OPTIONS } from './json-rpc.constants.js';
import { CallDeadlines } from './limits/call-deadlines.js';
import { JsonRpcMetrics } from './metrics/json-rpc.metrics.js';
import { JsonRpcTracing } from './metrics/json-rpc.tracing.js';
import { JsonRpcErrorCode } from './protocol/error-codes.js';
import type { JsonRpcResponse } from './protocol/json-rpc.types.js';
import { errorResponse, needsWebSocket, standardError, successResponse } from './protocol/response.js';
import type { RpcCall } from './protocol/validate-request.js';
import type { RpcConnection } from './push/rpc-connection.js';
import { type AfterAnswer, SubscriptionStarter } from './push/subscription.starter.js';
import { ShutdownCoordinator } from './shutdown/shutdown.coordinator.js';
import { isThenable } from './utils/is-thenable.js';
import { ThrottledLogger } from './utils/throttled-logger.js';

/** Label for names that are not registered: keeps metric cardinality bounded. */
const UNKNOWN_METHOD = '(unknown)';

const TIMED_OUT = { code: JsonRpcErrorCode.Timeout, message: 'Handler timed out' };

/**
 * The one entry for a call, whichever transport it came on: the limits that
 * apply per call (drain, rate, deadline), the method it names (built-in or
 * registered), its Nest pipeline, and the response. The protocol core calls
 * it for each call of a message; it never sends and never touches a socket.
 */
@Injectable()
export class JsonRpcDispatcher {
  private readonly limitLogger = new ThrottledLogger('JsonRpc');

  constructor(
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly registry: JsonRpcMethodRegistry,
    private readonly shutdown: ShutdownCoordinator,
    private readonly builtins: RpcBuiltins,
    private readonly subscriptions: SubscriptionStarter,
    private readonly errors: ErrorResponder,
    private readonly metrics: JsonRpcMetrics,
    private readonly tracing: JsonRpcTracing,
    private readonly deadlines: CallDeadlines,
  ) {}

  /** One call of a message, on either transport (the protocol core's executor). */
  execute(call: RpcCall, origin: CallOrigin, afterAnswer: AfterAnswer): JsonRpcResponse | Promise<JsonRpcResponse> {
    if (!this.tracing.enabled) return this.run(call, origin, afterAnswer);
    return this.tracing.call(call.method, call.id, origin.transport, async () => this.run(call, origin, afterAnswer), (response) =>
      'error' in response ? response.error.code : undefined,
    );
  }

  /** Synchronous when the handler's pipeline is: no Promise, no deadline, no tracking. */
  private run(call: RpcCall, origin: CallOrigin, afterAnswer: AfterAnswer): JsonRpcResponse | Promise<JsonRpcResponse> {
    if (this.shutdown.draining) return errorResponse(call.id, { code: JsonRpcErrorCode.ShuttingDown, message: 'Server is shutting down' });
    // Every item of a batch counts, known method or not.
    if (origin.bucket && !origin.bucket.take()) return this.limitHit(call, origin, 'ratePerSecond');
    if (this.builtins.has(call.method)) return this.builtins.handle(call, origin);
    const method = this.registry.get(call.method);
    if (method === undefined) {
      this.metrics.callEnded(UNKNOWN_METHOD, origin.transport, JsonRpcErrorCode.MethodNotFound, 0);
      return errorResponse(call.id, standardError(JsonRpcErrorCode.MethodNotFound));
    }
    const ctx = new JsonRpcCallContext(origin, call);
    // The connection a subscribe call opens its stream on; undefined for every other call.
    let subscriber: RpcConnection | undefined;
    if (method.kind === 'subscription') {
      if (origin.transport !== 'ws') return needsWebSocket(call.id, call.method, ' is a subscription: it');
      subscriber = origin.connection;
      const refused = this.subscriptions.admit(call, subscriber, ctx);
      if (refused) return refused;
    }
    this.metrics.callStarted();
    const started = performance.now();
    let outcome: unknown;
    try {
      outcome = method.invoke(call.params, ctx);
    } catch (error) {
      return this.finished(call, origin, this.failed(call, error), started, subscriber);
    }
    if (!isThenable(outcome)) return this.finished(call, origin, this.answer(call, method, outcome, subscriber, afterAnswer), started, subscriber);
    const { calls } = origin;
    calls?.track(ctx);
    const settle = {
      value: (result: unknown) => this.answer(call, method, result, subscriber, afterAnswer),
      error: (error: unknown) => this.failed(call, error),
      timeout: () => {
        // The handler keeps running until it notices the signal; its late result is dropped.
        ctx.abort(new Error('Handler timeout'));
        return errorResponse(call.id, TIMED_OUT);
      },
    };
    return this.deadlines.race(outcome, settle, calls && ctx).then((response) => {
      calls?.untrack(ctx);
      return this.finished(call, origin, response, started, subscriber);
    });
  }

  /** What the pipeline answered. A returned JsonRpcException (an exception filter's answer) still means failure. */
  private answer(call: RpcCall, method: RegisteredMethod, result: unknown, subscriber: RpcConnection | undefined, afterAnswer: AfterAnswer): JsonRpcResponse {
    if (isFailure(result)) return this.failed(call, result);
    if (subscriber) return this.subscriptions.open(call, subscriber, method, result, afterAnswer);
    return successResponse(call.id, result);
  }

  private failed(call: RpcCall, error: unknown): JsonRpcResponse {
    return this.errors.response(call, error);
  }

  private finished(call: RpcCall, origin: CallOrigin, response: JsonRpcResponse, started: number, subscriber: RpcConnection | undefined): JsonRpcResponse {
    const failed = 'error' in response;
    // A subscribe call that did not open (failed, timed out, cancelled) gives its slot back.
    if (failed && subscriber) this.subscriptions.release(subscriber);
    const elapsed = performance.now() - started;
    const name = call.method;
    if (elapsed > this.options.slowCallMs) this.limitLogger.warn('slow', `slow call "${name}" (${origin.transport}): ${Math.round(elapsed)} ms`);
    this.metrics.callEnded(name, origin.transport, failed ? response.error.code : 0, elapsed / 1000);
    return response;
  }

  private limitHit(call: RpcCall, origin: CallOrigin, limit: string): JsonRpcResponse {
    this.limitLogger.warn(limit, `limit ${limit} hit (${origin.transport}, ${origin.request.socket.remoteAddress ?? '?'})`);
    this.metrics.drop(limit);
    return errorResponse(call.id, { code: JsonRpcErrorCode.RateLimited, message: 'Rate limit exceeded', data: { limit } });
  }
}
