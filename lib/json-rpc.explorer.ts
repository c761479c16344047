import { Injectable, Logger, type OnModuleInit, type Type } from '@nestjs/common';
import { ApplicationConfig, BaseExceptionFilter, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { JsonRpcParamsFactory } from './context/json-rpc-params.factory.js';
import type { RpcServiceMetadata } from './decorators/rpc-service.decorator.js';
import type { RpcMethodMetadata } from './interfaces/rpc-method-options.interface.js';
import { JsonRpcMetadataAccessor } from './json-rpc-metadata.accessor.js';
import { JsonRpcMethodRegistry, type RegisteredMethodSource } from './json-rpc-method.registry.js';
import { RESERVED_METHOD_PREFIX } from './json-rpc.constants.js';
import type { Handler } from './pipeline/direct-pipeline.js';
import { FILTER_CATCH_EXCEPTIONS, type InstanceWrapper, isEntryProvider, RouteParamtypes } from './pipeline/nest-internals.js';
import { type MethodPlan, PipelineFactory } from './pipeline/pipeline.factory.js';
import { ConnectionRegistry } from './push/connection.registry.js';

interface Discovered extends MethodPlan {
  readonly meta: RpcMethodMetadata;
  /** `ClassName.methodKey`, for messages. */
  readonly handlerName: string;
  readonly source: RegisteredMethodSource;
}

/**
 * Finds every `@RpcMethod()` / `@RpcSubscription()` at bootstrap, checks it,
 * and registers it with its pipeline (built by PipelineFactory). Runs in
 * `onModuleInit`, i.e. after the app's `useGlobal*()` calls, which pipelines snapshot.
 */
@Injectable()
export class JsonRpcExplorer implements OnModuleInit {
  private readonly logger = new Logger('JsonRpc');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly metadata: JsonRpcMetadataAccessor,
    private readonly pipelines: PipelineFactory,
    private readonly registry: JsonRpcMethodRegistry,
    private readonly connections: ConnectionRegistry,
    private readonly config: ApplicationConfig,
  ) {}

  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      for (const { meta, handlerName, source, ...plan } of this.explore(wrapper)) {
        this.registry.add({
          name: plan.name,
          kind: plan.kind,
          overflow: meta.overflow,
          description: meta.description,
          handlerName,
          source,
          invoke: this.pipelines.create(plan) as never,
        });
      }
    }
    this.warnAboutHttpCatchAllFilters();
    this.logger.log(`${this.registry.list().length} JSON-RPC method(s) registered`);
  }

  /** The class whose decorators count: the instance's for a static host (it may come from a factory), else the metatype. */
  private hostClass(wrapper: InstanceWrapper): Type | undefined {
    const candidate = (wrapper.isDependencyTreeStatic() ? (wrapper.instance as object | undefined)?.constructor : wrapper.metatype) as Type | undefined;
    return typeof candidate === 'function' && candidate.prototype ? candidate : undefined;
  }

  private explore(wrapper: InstanceWrapper): Discovered[] {
    // An alias (`useExisting`) is the same instance under another token: served once, under its own provider.
    if (wrapper.isAlias) return [];
    const hostClass = this.hostClass(wrapper);
    if (!hostClass) return [];
    const prototype = hostClass.prototype as Record<string, Handler>;
    const plans: Discovered[] = [];
    const service = this.metadata.service(hostClass);
    for (const methodKey of this.scanner.getAllMethodNames(prototype)) {
      const meta = this.metadata.method(prototype[methodKey]!);
      if (!meta) continue;
      const name = this.methodName(hostClass, methodKey, service, meta);
      this.checkParams(hostClass, methodKey);
      plans.push({
        name,
        kind: meta.kind,
        wrapper,
        methodKey,
        paramsFactory: new JsonRpcParamsFactory(meta.paramNames, this.metadata.positionalCount(hostClass, methodKey), name),
        meta,
        handlerName: `${hostClass.name}.${methodKey}`,
        source: { hostClass, methodKey, meta, service },
      });
    }
    if (wrapper.isDependencyTreeStatic() && wrapper.instance) this.connections.addHooks(wrapper.instance as object);
    if (plans.length > 0) this.checkHost(wrapper, hostClass);
    return plans;
  }

  /**
   * Nest gives request- and transient-scoped global enhancers only to
   * controllers and entry providers (the decorators mark RPC hosts as such). A
   * host Nest did not register as one (a `useFactory` / `useValue` provider)
   * would skip them: refused when there are any, so a global guard never is.
   */
  private checkHost(wrapper: InstanceWrapper, hostClass: Type): void {
    if (isEntryProvider(wrapper)) return;
    const scoped = [
      ...this.config.getGlobalRequestGuards(),
      ...this.config.getGlobalRequestInterceptors(),
      ...this.config.getGlobalRequestPipes(),
      ...this.config.getGlobalRequestFilters(),
    ];
    const what = `${hostClass.name} (provided as ${String(wrapper.name ?? wrapper.token)})`;
    if (scoped.length > 0) {
      throw new Error(
        `${what} serves JSON-RPC methods but is not a class provider, so Nest cannot attach the app's request-scoped or transient global enhancers (${scoped.map((item) => String(item.name)).join(', ')}) to it. Provide it as a class (\`providers: [${hostClass.name}]\` or \`useClass\`).`,
      );
    }
    this.logger.warn(`${what} serves JSON-RPC methods but is not a class provider: its class-level transient enhancers cannot be built for it.`);
  }

  /** HTTP-only param decorators cannot mean anything on a JSON-RPC call: refused at bootstrap rather than fed the params. */
  private checkParams(hostClass: Type, methodKey: string): void {
    const http = this.metadata.httpParamTypes(hostClass, methodKey);
    if (http.length === 0) return;
    const names = http.map((type) => `@${httpDecoratorName(type)}()`).join(', ');
    throw new Error(
      `${hostClass.name}.${methodKey} is a JSON-RPC method but uses ${names}, which only HTTP controllers fill. Take the params with @RpcParams() and the call (transport, request headers, principal) with @RpcCtx().`,
    );
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
   * A global catch-all filter that extends BaseExceptionFilter answers through
   * the HTTP adapter, which a JSON-RPC call does not have: every error would
   * become -32603. Said once at bootstrap, with the fix.
   */
  private warnAboutHttpCatchAllFilters(): void {
    for (const filter of this.config.getGlobalFilters()) {
      if (!(filter instanceof BaseExceptionFilter) || !isCatchAll(filter) || hasJsonRpcBranch(filter)) continue;
      this.logger.warn(
        `The global exception filter ${filter.constructor.name} extends BaseExceptionFilter and is also called for JSON-RPC calls, where it cannot reply: in catch(), rethrow when host.getType() !== 'http' (or use @Catch() with specific exceptions).`,
      );
    }
  }
}

function isCatchAll(filter: object): boolean {
  const caught = Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, filter.constructor) as unknown[] | undefined;
  return !caught || caught.length === 0;
}

/** A filter whose catch() mentions the 'json-rpc' context type (or getType) is taken to branch on it. */
function hasJsonRpcBranch(filter: object): boolean {
  const source = String((filter as { catch?: unknown }).catch);
  return source.includes('json-rpc') || source.includes('getType') || source.includes('isJsonRpc');
}

function httpDecoratorName(type: number): string {
  const names: Record<number, string> = { [RouteParamtypes.REQUEST]: 'Req', [RouteParamtypes.RESPONSE]: 'Res', [RouteParamtypes.NEXT]: 'Next', [RouteParamtypes.BODY]: 'Body', [RouteParamtypes.QUERY]: 'Query', [RouteParamtypes.PARAM]: 'Param', [RouteParamtypes.HEADERS]: 'Headers', [RouteParamtypes.SESSION]: 'Session', [RouteParamtypes.FILE]: 'UploadedFile', [RouteParamtypes.FILES]: 'UploadedFiles', [RouteParamtypes.HOST]: 'HostParam', [RouteParamtypes.IP]: 'Ip', [RouteParamtypes.RAW_BODY]: 'RawBody' };
  return names[type] ?? `route param ${type}`;
}
