import { Inject, Injectable } from '@nestjs/common';
import { RpcBuiltins } from './builtins/rpc-builtins.js';
import { JsonRpcCallContext, type CallOrigin } from './context/json-rpc-call-context.js';
import { CallErrors } from './exceptions/call-errors.js';
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
    private readonly errors: CallErrors,
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
    if (this.builtins.has(call.method)) return this.builtins.handle(call, origin);
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
      return result instanceof Error ? this.errors.response(call, result) : successResponse(call.id, result);
    } catch (error) {
      return this.errors.response(call, error);
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

  private async subscribe(call: RpcCall, origin: CallOrigin, method: RegisteredMethod, afterSend: AfterSend | undefined): Promise<JsonRpcResponse> {
    this.metrics.callStarted();
    const started = performance.now();
    const response = await this.subscriptions.start(call, origin, method, afterSend);
    this.finished(call.method, origin, response, started);
    return response;
  }

}
