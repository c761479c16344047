import { Injectable, Logger, type OnModuleInit, type Type } from '@nestjs/common';
import { ContextIdFactory, DiscoveryService, ExternalContextCreator, MetadataScanner, ModuleRef } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { JsonRpcParamsFactory } from './context/json-rpc-params.factory.js';
import { createPipelines, type JsonRpcPipelines } from './invocation/json-rpc-context-creator.js';
import { captured, captureSource, type Handler, type ProxyFn, spreadParams } from './invocation/handler-stand-ins.js';
import type { RpcServiceMetadata } from './decorators/rpc-service.decorator.js';
import { RpcParamtype } from './enums/rpc-paramtype.enum.js';
import type { RpcMethodMetadata } from './interfaces/rpc-method-options.interface.js';
import { JsonRpcMethodRegistry, type RegisteredMethod } from './json-rpc-method.registry.js';
import { ConnectionRegistry } from './push/connection.registry.js';
import { isSubscriptionSource } from './push/subscription-source.js';
import {
  JSON_RPC_CONTEXT_TYPE,
  NEST_CUSTOM_ROUTE_ARGS_MARK,
  NEST_ROUTE_ARGS_METADATA,
  RESERVED_METHOD_PREFIX,
  RPC_ARGS_METADATA,
  RPC_METHOD_METADATA,
  RPC_SERVICE_METADATA,
} from './json-rpc.constants.js';

/** All three on: ExternalContextCreator treats a partial object as "the rest off". */
const PIPELINE = { guards: true, interceptors: true, filters: true };

/**
 * Finds every `@RpcMethod()` at bootstrap and registers it with its Nest
 * pipeline built once (per call only for request-scoped hosts). Runs in
 * `onModuleInit`, i.e. after the app's `useGlobal*()` calls, which the
 * pipeline snapshots.
 */
@Injectable()
export class JsonRpcExplorer implements OnModuleInit {
  private readonly logger = new Logger('JsonRpc');
  private readonly pipelines: JsonRpcPipelines;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    contextCreator: ExternalContextCreator,
    private readonly moduleRef: ModuleRef,
    private readonly registry: JsonRpcMethodRegistry,
    private readonly connections: ConnectionRegistry,
  ) {
    this.pipelines = createPipelines(contextCreator);
  }

  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      this.explore(wrapper);
    }
    this.logger.log(`${this.registry.list().length} JSON-RPC method(s) registered`);
  }

  private explore(wrapper: InstanceWrapper): void {
    const isStatic = wrapper.isDependencyTreeStatic();
    const hostClass = (isStatic ? wrapper.instance?.constructor : wrapper.metatype) as Type | undefined;
    if (typeof hostClass !== 'function' || !hostClass.prototype) return;
    const prototype = hostClass.prototype as Record<string, Handler>;
    const service = Reflect.getMetadata(RPC_SERVICE_METADATA, hostClass) as RpcServiceMetadata | undefined;
    if (isStatic && wrapper.instance) this.connections.addHooks(wrapper.instance as object);

    for (const methodKey of this.scanner.getAllMethodNames(prototype)) {
      const meta = Reflect.getMetadata(RPC_METHOD_METADATA, prototype[methodKey]!) as RpcMethodMetadata | undefined;
      if (!meta) continue;
      const name = this.methodName(hostClass, methodKey, service, meta);
      const spread = this.settleArgsMetadata(hostClass, methodKey) ? meta.paramNames ?? [] : undefined;
      const factory = new JsonRpcParamsFactory(meta.paramNames);
      const pipeline = isStatic
        ? this.staticInvoker(wrapper, methodKey, meta.kind, factory, spread)
        : this.scopedInvoker(wrapper, hostClass, methodKey, meta.kind, factory, spread);
      const invoke = meta.kind === 'subscription' ? this.subscriptionInvoker(pipeline, name) : pipeline;
      const method: RegisteredMethod = {
        name,
        kind: meta.kind,
        overflow: { policy: meta.overflow ?? 'close', bufferSize: meta.bufferSize ?? 100 },
        description: meta.description,
        handlerName: `${hostClass.name}.${methodKey}`,
        invoke: invoke as RegisteredMethod['invoke'],
      };
      this.registry.add(method);
    }
  }

  private methodName(hostClass: Type, methodKey: string, service: RpcServiceMetadata | undefined, meta: RpcMethodMetadata): string {
    const where = `@RpcMethod() on ${hostClass.name}.${methodKey}`;
    const own = meta.name ?? methodKey;
    if (typeof own !== 'string' || own.length === 0) throw new Error(`${where}: the name must be a non-empty string`);
    const namespace = service?.namespace;
    if (namespace !== undefined && (typeof namespace !== 'string' || namespace.length === 0)) {
      throw new Error(`@RpcService() on ${hostClass.name}: the namespace must be a non-empty string`);
    }
    const name = namespace ? `${namespace}.${own}` : own;
    if (name.startsWith(RESERVED_METHOD_PREFIX)) {
      throw new Error(`${where}: "${name}" starts with "${RESERVED_METHOD_PREFIX}", which JSON-RPC 2.0 reserves`);
    }
    return name;
  }

  /**
   * Settles the handler's argument metadata under our key, once, and says
   * whether the handler takes plain positional arguments:
   * - custom param decorators made with `createParamDecorator()` (they write
   *   Nest's route-args key) are carried over, so `@CurrentUser()` works here too;
   * - a handler with no param decorators at all gets the positional params as its
   *   arguments through a stand-in (see `spreadParams`): no param metadata means
   *   ExternalContextCreator skips its per-argument pipe machinery, as a
   *   controller does for undecorated parameters;
   * - beside other decorators (and without `@RpcParams()`), undecorated arguments
   *   receive the positional params in order (`add(a, b, @RpcCtx() ctx)`).
   */
  private settleArgsMetadata(hostClass: Type, methodKey: string): boolean {
    const own = (Reflect.getMetadata(RPC_ARGS_METADATA, hostClass, methodKey) ?? {}) as Record<string, { index: number }>;
    const route = (Reflect.getMetadata(NEST_ROUTE_ARGS_METADATA, hostClass, methodKey) ?? {}) as Record<string, { index: number }>;
    const args: Record<string, { index: number }> = { ...own };
    for (const [key, value] of Object.entries(route)) {
      if (key.includes(NEST_CUSTOM_ROUTE_ARGS_MARK)) args[key] = value;
    }
    if (Object.keys(args).length === 0) return true;
    const takesParams = Object.keys(args).some((key) => key.startsWith(`${RpcParamtype.PARAMS}:`));
    if (!takesParams) {
      const decorated = new Set(Object.values(args).map((arg) => arg.index));
      const arity = (hostClass.prototype as Record<string, Handler>)[methodKey]!.length;
      let position = 0;
      for (let index = 0; index < arity; index++) {
        if (decorated.has(index)) continue;
        args[`${RpcParamtype.POSITIONAL}:${index}`] = { index, data: position++, pipes: [] } as { index: number };
      }
    }
    Reflect.defineMetadata(RPC_ARGS_METADATA, args, hostClass, methodKey);
    return false;
  }

  /** Runs the pipeline on the subscribe call and resolves with the handler's stream. */
  private subscriptionInvoker(pipeline: ProxyFn, name: string): ProxyFn {
    return async (params: unknown, ctx: unknown) => {
      const slot: { source?: unknown } = {};
      const result = await captured.run(slot, () => pipeline(params, ctx));
      if (result instanceof Error) return result; // an exception filter's answer
      if (isSubscriptionSource(slot.source)) return slot.source;
      // A server-side bug, not the caller's: logged here (outside Nest's filters), a bare -32603 on the wire.
      const problem = !('source' in slot)
        ? `"${name}" was answered without running its handler (an interceptor returned early)`
        : `"${name}" must return an Observable or an AsyncIterable`;
      this.logger.error(problem);
      throw new Error(problem);
    };
  }

  /** What the pipeline calls: the method, or a stand-in that spreads positional params and/or catches a subscription's stream. */
  private callback(host: object, methodKey: string, kind: RpcMethodMetadata['kind'], spread: readonly string[] | undefined): Handler {
    const original = (host as Record<string, Handler>)[methodKey]!;
    const handler = spread ? spreadParams(original, spread) : original;
    return kind === 'subscription' ? captureSource(handler) : handler;
  }

  private staticInvoker(wrapper: InstanceWrapper, methodKey: string, kind: RpcMethodMetadata['kind'], factory: JsonRpcParamsFactory, spread: readonly string[] | undefined): ProxyFn {
    const instance = wrapper.instance as object;
    const callback = this.callback(instance, methodKey, kind, spread);
    if (this.pipelines.direct) return this.pipelines.direct.create(wrapper, methodKey, callback, factory);
    return this.external(instance, callback, methodKey, factory);
  }

  /** Nest's ExternalContextCreator pipeline (with our interceptor chain), for `contextId`'s DI sub-tree. */
  private external(
    host: object,
    callback: Handler,
    methodKey: string,
    factory: JsonRpcParamsFactory,
    contextId?: ReturnType<typeof ContextIdFactory.create>,
    inquirerId?: string,
  ): ProxyFn {
    return this.pipelines.external.create(host, callback, methodKey, RPC_ARGS_METADATA, factory, contextId, inquirerId, PIPELINE, JSON_RPC_CONTEXT_TYPE);
  }

  /**
   * Request-scoped (or durable) hosts: one DI sub-tree per call, the call's
   * context being the REQUEST object, as graphql does per resolver call.
   */
  private scopedInvoker(
    wrapper: InstanceWrapper,
    hostClass: Type,
    methodKey: string,
    kind: RpcMethodMetadata['kind'],
    factory: JsonRpcParamsFactory,
    spread: readonly string[] | undefined,
  ): ProxyFn {
    const durable = wrapper.isDependencyTreeDurable();
    return async (params: unknown, ctx: unknown) => {
      const contextId = ContextIdFactory.getByRequest(ctx as object);
      const request = durable && contextId.payload !== undefined ? contextId.payload : ctx;
      this.moduleRef.registerRequestByContextId(request, contextId);
      const host = (await this.moduleRef.resolve(hostClass, contextId, { strict: false })) as object;
      return this.external(host, this.callback(host, methodKey, kind, spread), methodKey, factory, contextId, wrapper.id)(params, ctx);
    };
  }
}
