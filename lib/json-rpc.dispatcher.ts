import { Inject, Injectable } from '@nestjs/common';
import { RpcBuiltins } from './builtins/rpc-builtins.js';
import { JsonRpcCallContext, type CallOrigin } from './context/json-rpc-call-context.js';
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
import { parseMessage } from './protocol/parse-message.js';
import { processMessage } from './protocol/process-message.js';
import { errorResponse, standardError, successResponse } from './protocol/response.js';
import type { RpcCall } from './protocol/validate-request.js';
import type { RpcConnection } from './push/rpc-connection.js';
import { type AfterSend, SubscriptionStarter } from './push/subscription.starter.js';
import { ShutdownState } from './shutdown.state.js';
import { isThenable } from './utils/is-thenable.js';
import { ThrottledLogger } from './utils/throttled-logger.js';

/** Label for names that are not registered: keeps metric cardinality bounded. */
const UNKNOWN_METHOD = '(unknown)';

/**
 * Transport-agnostic: text in (one frame or body), text out (or nothing).
 * Transports own the bytes; the protocol core owns the rules; this class
 * connects a call to its registered method.
 */
@Injectable()
export class JsonRpcDispatcher {
  private readonly limitLogger = new ThrottledLogger('JsonRpc');

  constructor(
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly registry: JsonRpcMethodRegistry,
    private readonly shutdown: ShutdownState,
    private readonly builtins: RpcBuiltins,
    private readonly subscriptions: SubscriptionStarter,
    private readonly errors: ErrorResponder,
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
        () => connection.whenCapacity(), // a batch runs at most maxInFlightPerConnection calls at once
      );
    const answer = await (this.tracing.enabled && parsed.kind === 'batch' ? this.tracing.batch(parsed.items.length, run) : run());
    if (answer !== undefined) connection.sendText(answer);
    for (const start of afterSend) start();
  }

  private execute(call: RpcCall, origin: CallOrigin, afterSend: AfterSend | undefined): JsonRpcResponse | Promise<JsonRpcResponse> {
    if (!this.tracing.enabled) return this.run(call, origin, afterSend);
    return this.tracing.call(call.method, call.id, origin.transport, async () => this.run(call, origin, afterSend), (response) =>
      'error' in response ? response.error.code : undefined,
    );
  }

  /** Synchronous when the handler's pipeline is: no Promise, no deadline, no tracking. */
  private run(call: RpcCall, origin: CallOrigin, afterSend: AfterSend | undefined): JsonRpcResponse | Promise<JsonRpcResponse> {
    if (this.shutdown.draining) {
      return errorResponse(call.id, { code: JsonRpcErrorCode.ShuttingDown, message: 'Server is shutting down' });
    }
    // Every item of a batch counts, known method or not.
    if (origin.bucket && !origin.bucket.take()) return this.limitHit(call, origin, 'ratePerSecond');
    if (this.builtins.has(call.method)) return this.builtins.handle(call, origin);
    const method = this.registry.get(call.method);
    if (method === undefined) {
      this.metrics.callEnded(UNKNOWN_METHOD, origin.transport, JsonRpcErrorCode.MethodNotFound, 0);
      return errorResponse(call.id, standardError(JsonRpcErrorCode.MethodNotFound));
    }
    if (method.kind === 'subscription') return this.subscribe(call, origin, method, afterSend);
    const ctx = new JsonRpcCallContext(origin, call);
    this.metrics.callStarted();
    const started = performance.now();
    let outcome: unknown;
    try {
      outcome = method.invoke(call.params, ctx);
    } catch (error) {
      return this.finished(call, origin, this.errors.response(call, error), started);
    }
    if (!isThenable(outcome)) return this.finished(call, origin, this.answer(call, outcome), started);
    const connection = origin.connection as RpcConnection | undefined;
    connection?.trackCall(ctx);
    const answered = Promise.resolve(outcome).then(
      (result) => this.answer(call, result),
      (error: unknown) => this.errors.response(call, error),
    );
    return this.deadlines
      .race(answered, () => {
        // The handler keeps running until it notices the signal; its late result is dropped.
        ctx.abort(new Error('Handler timeout'));
        return errorResponse(call.id, { code: JsonRpcErrorCode.Timeout, message: 'Handler timed out' });
      }, connection ? ctx : undefined)
      .then((response) => {
        connection?.untrackCall(ctx);
        return this.finished(call, origin, response, started);
      });
  }

  /** An exception filter that returns a JsonRpcException (rather than throwing it) still means failure. */
  private answer(call: RpcCall, result: unknown): JsonRpcResponse {
    return isFailure(result) ? this.errors.response(call, result) : successResponse(call.id, result);
  }

  private finished(call: RpcCall, origin: CallOrigin, response: JsonRpcResponse, started: number): JsonRpcResponse {
    const elapsed = performance.now() - started;
    const name = call.method;
    if (elapsed > this.options.slowCallMs) this.limitLogger.warn('slow', `slow call "${name}" (${origin.transport}): ${Math.round(elapsed)} ms`);
    this.metrics.callEnded(name, origin.transport, 'error' in response ? response.error.code : 0, elapsed / 1000);
    return response;
  }

  private limitHit(call: RpcCall, origin: CallOrigin, limit: string): JsonRpcResponse {
    this.limitLogger.warn(limit, `limit ${limit} hit (${origin.transport}, ${origin.request.socket.remoteAddress ?? '?'})`);
    this.metrics.drop(limit);
    return errorResponse(call.id, { code: JsonRpcErrorCode.RateLimited, message: 'Rate limit exceeded', data: { limit } });
  }

  private async subscribe(call: RpcCall, origin: CallOrigin, method: RegisteredMethod, afterSend: AfterSend | undefined): Promise<JsonRpcResponse> {
    this.metrics.callStarted();
    const started = performance.now();
    return this.finished(call, origin, await this.subscriptions.start(call, origin, method, afterSend), started);
  }

}
