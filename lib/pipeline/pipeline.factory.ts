import { Injectable, Logger } from '@nestjs/common';
import { ApplicationConfig, type ContextId, ContextIdFactory, ExternalContextCreator, ModuleRef, ModulesContainer } from '@nestjs/core';
import type { JsonRpcParamsFactory } from '../context/json-rpc-params.factory.js';
import { isFailure } from '../exceptions/is-failure.js';
import { JSON_RPC_CONTEXT_TYPE, RPC_ARGS_METADATA } from '../json-rpc.constants.js';
import { isSubscriptionSource } from '../push/subscription-source.js';
import { type Capture, DirectPipeline, type Handler } from './direct-pipeline.js';
import { assertNestInternals, ContextUtils, createEnhancerCreators, type EnhancerCreators, type InstanceWrapper, isEntryProvider, STATIC_CONTEXT } from './nest-internals.js';
import { ArgumentsResolver } from './params.resolver.js';

/** What the explorer found: one served method, before its pipeline exists. */
export interface MethodPlan {
  /** The JSON-RPC name (`order.submit`). */
  readonly name: string;
  readonly kind: 'method' | 'subscription';
  readonly wrapper: InstanceWrapper;
  readonly methodKey: string;
  readonly paramsFactory: JsonRpcParamsFactory;
}

/** Params and call context in; the result (or a Promise of it) out. A subscription's resolves with its stream. */
export type Invoker = (params: unknown, ctx: object) => unknown;

/**
 * Turns a plan into its invoker: the direct pipeline (Nest's enhancers, Nest's
 * rules) built once at bootstrap on a static host, or per call, in the call's
 * DI sub-tree, on a request-scoped or durable one (as graphql and the router do).
 */
@Injectable()
export class PipelineFactory {
  private readonly logger = new Logger('JsonRpc');
  private readonly creators: EnhancerCreators;
  private readonly contextUtils = new ContextUtils();

  constructor(
    /** Only for the param metadata, read and cached as Nest reads it (public API). */
    private readonly external: ExternalContextCreator,
    private readonly moduleRef: ModuleRef,
    modules: ModulesContainer,
    config: ApplicationConfig,
  ) {
    assertNestInternals();
    this.creators = createEnhancerCreators(modules, config);
  }

  create(plan: MethodPlan): Invoker {
    const { wrapper } = plan;
    if (wrapper.isDependencyTreeStatic()) {
      // Transient enhancers are built per host: an entry provider is their inquirer, as in ExternalContextCreator.
      const pipeline = this.build(plan, wrapper.instance as object, STATIC_CONTEXT, isEntryProvider(wrapper) ? wrapper.id : undefined);
      return plan.kind === 'subscription' ? this.subscriber(plan, pipeline) : pipeline.invoke;
    }
    const durable = wrapper.isDependencyTreeDurable();
    return async (params, ctx) => {
      const contextId = ContextIdFactory.getByRequest(ctx);
      // The call's context is the REQUEST of its sub-tree (a durable tree gets the strategy's payload).
      this.moduleRef.registerRequestByContextId(durable && contextId.payload !== undefined ? contextId.payload : ctx, contextId);
      const host = (await this.moduleRef.resolve(wrapper.token as never, contextId, { strict: false })) as object;
      const pipeline = this.build(plan, host, contextId, wrapper.id);
      return plan.kind === 'subscription' ? this.subscriber(plan, pipeline)(params, ctx) : pipeline.invoke(params, ctx);
    };
  }

  /** What ExternalContextCreator.create() gathers, handed to the direct pipeline. */
  private build(plan: MethodPlan, host: object, contextId: ContextId, inquirerId: string | undefined): DirectPipeline {
    const handler = (host as Record<string, Handler>)[plan.methodKey]!;
    const moduleKey = plan.wrapper.host?.token ?? '';
    const { guards, interceptors, pipes, filters } = this.creators;
    const methodPipes = pipes.create(host, handler, moduleKey, contextId, inquirerId);
    const { argsLength, paramtypes, getParamsMetadata } = this.external.getMetadata(host, plan.methodKey, RPC_ARGS_METADATA, plan.paramsFactory, JSON_RPC_CONTEXT_TYPE);
    const paramsMetadata = getParamsMetadata(moduleKey, contextId, inquirerId);
    const params = paramsMetadata ? this.contextUtils.mergeParamsMetatypes(paramsMetadata, paramtypes) : [];
    // Nest >= 12.4 warns once about a ValidationPipe with no design:paramtypes (tsx/esbuild builds).
    this.contextUtils.warnOnMissingParamtypes?.(host, plan.methodKey, paramtypes, methodPipes, params);
    return new DirectPipeline({
      instance: host,
      handler,
      guards: guards.create(host, handler, moduleKey, contextId, inquirerId),
      interceptors: interceptors.create(host, handler, moduleKey, contextId, inquirerId),
      filters: filters.create(host, handler as never, moduleKey, contextId, inquirerId),
      args: params.length ? new ArgumentsResolver(argsLength, params, methodPipes, plan.paramsFactory) : undefined,
      method: plan.name,
      logger: this.logger,
    });
  }

  /** Runs the pipeline on the subscribe call and resolves with the handler's stream (or the filter's error). */
  private subscriber(plan: MethodPlan, pipeline: DirectPipeline): Invoker {
    return async (params, ctx) => {
      const { outcome, capture } = await pipeline.subscribe(params, ctx);
      if (isFailure(outcome)) return outcome;
      if (isSubscriptionSource(capture.source)) return capture.source;
      // A server-side bug, not the caller's: logged here (outside Nest's filters), a bare -32603 on the wire.
      const problem = describeMiss(plan.name, capture);
      this.logger.error(problem);
      throw new Error(problem);
    };
  }
}

function describeMiss(name: string, capture: Capture): string {
  return capture.ran
    ? `"${name}" must return an Observable or an AsyncIterable`
    : `"${name}" was answered without running its handler (an interceptor or a filter answered instead)`;
}
