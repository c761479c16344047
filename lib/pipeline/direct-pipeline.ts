import { type CanActivate, IntrinsicException, type Logger, type NestInterceptor } from '@nestjs/common';
import { JSON_RPC_CONTEXT_TYPE } from '../json-rpc.constants.js';
import { isThenable } from '../utils/is-thenable.js';
import { runGuards } from './guards.consumer.js';
import { interceptorChain } from './interceptor-chain.js';
import { ExecutionContextHost, type ExternalExceptionsHandler } from './nest-internals.js';
import type { ArgumentsResolver } from './params.resolver.js';
import { lastValue, unwrapResult } from './handler-result.js';

export type Handler = (...args: unknown[]) => unknown;

/** What a subscription handler answered, caught before the pipeline would drain it. */
export interface Capture {
  ran: boolean;
  source?: unknown;
}

/** Everything one call needs, resolved from Nest's context creators (see PipelineFactory). */
export interface PipelineParts {
  readonly instance: object;
  /** The method itself (`Class.prototype[key]`): what `getHandler()` returns. */
  readonly handler: Handler;
  readonly guards: CanActivate[];
  readonly interceptors: NestInterceptor[];
  readonly filters: ExternalExceptionsHandler;
  /** Absent when the method has no param metadata: it is called with `(params, ctx)`, as by ExternalContextCreator. */
  readonly args: ArgumentsResolver | undefined;
  /** The JSON-RPC method name, for logs. */
  readonly method: string;
  readonly logger: Logger;
}

/**
 * One handler's Nest pipeline, in ExternalContextCreator's order and with its
 * rules: guards, then interceptors around [param pipes -> handler], exception
 * filters around all; an Observable result answers with its last value.
 * What it adds is a synchronous path: boolean guards, synchronous pipes, a plain
 * result and an interceptor chain that completes during subscribe finish in the
 * same turn, with no Promise, which is what keeps a batch of ten calls cheap.
 * Anything async continues as Nest's would, awaited. Equality with Nest is the
 * contract, proven by test/pipeline/pipeline-differential.spec.ts.
 */
export class DirectPipeline {
  constructor(private readonly parts: PipelineParts) {}

  /** One call: its result, or a Promise of it when something on the way is async. */
  readonly invoke = (params: unknown, ctx: unknown): unknown => this.execute([params, ctx], undefined);

  /** A subscribe call: the pipeline's outcome, with the stream the handler answered caught in `capture`. */
  readonly subscribe = async (params: unknown, ctx: unknown): Promise<{ outcome: unknown; capture: Capture }> => {
    const capture: Capture = { ran: false };
    const outcome = await this.execute([params, ctx], capture);
    return { outcome, capture };
  };

  private execute(args: unknown[], capture: Capture | undefined): unknown {
    let outcome: unknown;
    try {
      outcome = this.guarded(args, capture);
    } catch (error) {
      return this.filtered(error, args);
    }
    return isThenable(outcome) ? Promise.resolve(outcome).catch((error: unknown) => this.filtered(error, args)) : outcome;
  }

  private guarded(args: unknown[], capture: Capture | undefined): unknown {
    if (this.parts.guards.length === 0) return this.intercepted(args, capture);
    const verdict = runGuards(this.parts.guards, this.context(args));
    return verdict === true ? this.intercepted(args, capture) : verdict.then(() => this.intercepted(args, capture));
  }

  /** Interceptors get an ExecutionContext of their own, as InterceptorsConsumer creates one. */
  private intercepted(args: unknown[], capture: Capture | undefined): unknown {
    const run = () => this.call(args, capture);
    if (this.parts.interceptors.length === 0) return unwrapResult(run());
    return lastValue(interceptorChain(this.parts.interceptors, this.context(args), run));
  }

  /** Pipes, then the handler. */
  private call(args: unknown[], capture: Capture | undefined): unknown {
    if (!this.parts.args) return this.apply(args, capture);
    const resolved = this.parts.args.resolve(args);
    return isThenable(resolved) ? resolved.then((values) => this.apply(values as unknown[], capture)) : this.apply(resolved, capture);
  }

  private apply(values: unknown[], capture: Capture | undefined): unknown {
    const result = this.parts.handler.apply(this.parts.instance, values);
    if (!capture) return result;
    // A subscription: the stream is handed out of band and the pipeline ends at once.
    capture.ran = true;
    if (!isThenable(result)) {
      capture.source = result;
      return undefined;
    }
    return Promise.resolve(result).then((source) => {
      capture.source = source;
      return undefined;
    });
  }

  private context(args: unknown[]): ExecutionContextHost {
    const context = new ExecutionContextHost(args, this.parts.instance.constructor as never, this.parts.handler);
    context.setType(JSON_RPC_CONTEXT_TYPE);
    return context;
  }

  /** Nest's external filter proxy: a filter may answer; unhandled errors are logged (unless intrinsic) and rethrown. */
  private filtered(error: unknown, args: unknown[]): unknown {
    const host = new ExecutionContextHost(args);
    host.setType(JSON_RPC_CONTEXT_TYPE);
    let answer: unknown;
    try {
      answer = this.parts.filters.next(error as Error, host);
    } catch (thrown) {
      throw this.filterFailure(error, thrown);
    }
    return isThenable(answer) ? Promise.resolve(answer).catch((thrown: unknown) => Promise.reject(this.filterFailure(error, thrown))) : answer;
  }

  /**
   * A filter that throws something other than what it caught (and other than
   * an intentional JsonRpcException / HttpException) has failed itself: both
   * errors are logged here, under the method's name, or neither would be.
   */
  private filterFailure(original: unknown, thrown: unknown): unknown {
    if (thrown !== original && !(thrown instanceof IntrinsicException)) {
      const { logger, method } = this.parts;
      logger.error(`"${method}" failed: ${describe(original)}`, stackOf(original));
      logger.error(`"${method}": an exception filter threw while handling that error: ${describe(thrown)}`, stackOf(thrown));
    }
    return thrown;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function stackOf(error: unknown): string | undefined {
  return error instanceof Error ? error.stack : undefined;
}
