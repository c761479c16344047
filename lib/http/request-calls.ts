import type { ServerResponse } from 'node:http';
import type { RunningCalls } from '../context/call-origin.js';
import type { JsonRpcCallContext } from '../context/json-rpc-call-context.js';

/**
 * The calls of one HTTP request that went async. When the client goes away
 * before the answer (closed socket, aborted fetch), their `ctx.signal` is
 * aborted, as a WebSocket disconnect does. Costs nothing until a call is async.
 */
export class RequestCalls implements RunningCalls {
  private running: Set<JsonRpcCallContext> | undefined;

  constructor(private readonly response: ServerResponse) {}

  track(ctx: JsonRpcCallContext): void {
    if (this.running === undefined) {
      this.running = new Set();
      // Also emitted after a normal finish; by then every call was untracked.
      this.response.once('close', () => {
        for (const call of this.running ?? []) call.abort(new Error('Client went away'));
      });
    }
    this.running.add(ctx);
  }

  untrack(ctx: JsonRpcCallContext): void {
    this.running?.delete(ctx);
  }

  /** `rpc.cancel` is WebSocket-only: over HTTP a client aborts its own request. */
  find(): undefined {
    return undefined;
  }

  /** An HTTP batch has no in-flight bound of its own (the body limit and maxBatchSize bound it). */
  whenCapacity(): undefined {
    return undefined;
  }
}
