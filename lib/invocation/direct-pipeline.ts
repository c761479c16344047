import { type CanActivate, ForbiddenException, type NestInterceptor, type PipeTransform } from '@nestjs/common';
import type { ExternalContextCreator, ParamsFactory } from '@nestjs/core';
import type { ExternalExceptionsHandler } from '@nestjs/core/exceptions/external-exceptions-handler.js';
import { ExternalExceptionFilterContext } from '@nestjs/core/exceptions/external-exception-filter-context.js';
import { FORBIDDEN_MESSAGE } from '@nestjs/core/guards/constants.js';
import { GuardsContextCreator } from '@nestjs/core/guards/guards-context-creator.js';
import { ContextUtils, type ParamProperties } from '@nestjs/core/helpers/context-utils.js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { NestContainer } from '@nestjs/core/injector/container.js';
import { STATIC_CONTEXT } from '@nestjs/core/injector/constants.js';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { InterceptorsContextCreator } from '@nestjs/core/interceptors/interceptors-context-creator.js';
import { ParamsTokenFactory } from '@nestjs/core/pipes/params-token-factory.js';
import { PipesContextCreator } from '@nestjs/core/pipes/pipes-context-creator.js';
import { isObservable, lastValueFrom } from 'rxjs';
import { JSON_RPC_CONTEXT_TYPE, RPC_ARGS_METADATA } from '../json-rpc.constants.js';
import { isThenable } from '../utils/is-thenable.js';
import type { Handler, ProxyFn } from './handler-stand-ins.js';
import { interceptorChain } from './lean-interceptors.consumer.js';
import { lastValue, settle } from './settle.js';

/**
 * The pipeline of a handler on a static (singleton) host: guards, then
 * interceptors around param pipes and the handler, exception filters around
 * all, taken from Nest's own context creators (global, class and method level,
 * the same lists, param metadata and custom param decorators that
 * ExternalContextCreator would build) and run in Nest's order with Nest's
 * rules. What it adds is a synchronous path: boolean guards, synchronous
 * pipes, a plain handler result and an interceptor chain that completes during
 * subscribe finish in the same turn, allocating no Promise, which is what
 * keeps a batch of ten calls cheap. Anything async (a guard's Promise or
 * Observable, a pipe, an async handler) continues as Nest would, awaited.
 */
export class DirectPipelineFactory {
  private readonly guards: GuardsContextCreator;
  private readonly interceptors: InterceptorsContextCreator;
  private readonly pipes: PipesContextCreator;
  private readonly filters: ExternalExceptionFilterContext;
  private readonly contextUtils = new ContextUtils();

  constructor(
    container: NestContainer,
    /** For the param metadata, read and cached the way Nest reads it. */
    private readonly external: ExternalContextCreator,
  ) {
    this.guards = new GuardsContextCreator(container, container.applicationConfig);
    this.interceptors = new InterceptorsContextCreator(container, container.applicationConfig);
    this.pipes = new PipesContextCreator(container, container.applicationConfig);
    this.filters = new ExternalExceptionFilterContext(container, container.applicationConfig);
  }

  /** `handler` is what runs (the method or a stand-in carrying its metadata); `wrapper` the host's provider. */
  create(wrapper: InstanceWrapper, methodKey: string, handler: Handler, paramsFactory: ParamsFactory): ProxyFn {
    const instance = wrapper.instance as object;
    const host = instance as never;
    // As ExternalContextCreator finds them: the host's module, and the host as
    // the inquirer of transient enhancers when it is one of the module's entry providers.
    const module = wrapper.host;
    const moduleKey = module?.token ?? '';
    const inquirerId = module?.entryProviders.find((entry) => entry.token === instance.constructor || entry.instance === instance)?.id;
    const guards = this.guards.create(host, handler, moduleKey, STATIC_CONTEXT, inquirerId);
    const interceptors = this.interceptors.create(host, handler, moduleKey, STATIC_CONTEXT, inquirerId);
    const filters = this.filters.create(host, handler as never, moduleKey, STATIC_CONTEXT, inquirerId);
    const pipes = this.pipes.create(host, handler, moduleKey, STATIC_CONTEXT, inquirerId);
    const { argsLength, paramtypes, getParamsMetadata } = this.external.getMetadata(host, methodKey, RPC_ARGS_METADATA, paramsFactory, JSON_RPC_CONTEXT_TYPE);
    const params = this.contextUtils.mergeParamsMetatypes(getParamsMetadata(moduleKey, STATIC_CONTEXT, inquirerId) ?? [], paramtypes);
    this.contextUtils.warnOnMissingParamtypes(host, methodKey, paramtypes, pipes, params);
    const args = params.length ? new ArgumentsResolver(argsLength, params, pipes) : undefined;
    return new DirectPipeline(instance, handler, guards, interceptors, filters, args).invoke;
  }
}

type Param = ParamProperties & { metatype?: unknown };

interface ResolvedParam {
  readonly index: number;
  readonly extract: (...args: unknown[]) => unknown;
  /** Global, class and method pipes, then the param's own. */
  readonly pipes: PipeTransform[];
  readonly metatype: unknown;
  /** As pipes see it: 'body' for `@RpcParams()`, 'custom' for the others (PipesConsumer's mapping). */
  readonly type: string;
  readonly data: unknown;
  readonly schema: unknown;
}

/**
 * A handler's arguments from its param decorators, through the pipes, as
 * PipesConsumer applies them (an awaitable value is awaited first, then each
 * pipe in order, each result awaited), but synchronous while nothing is async.
 */
class ArgumentsResolver {
  private readonly params: ResolvedParam[];

  constructor(
    private readonly length: number,
    params: Param[],
    pipes: PipeTransform[],
  ) {
    const tokens = new ParamsTokenFactory();
    this.params = params.map((param) => ({
      index: param.index,
      extract: param.extractValue as (...args: unknown[]) => unknown,
      pipes: pipes.concat(param.pipes),
      metatype: param.metatype,
      type: tokens.exchangeEnumForString(param.type as never),
      data: param.data,
      schema: param.schema,
    }));
  }

  resolve(args: unknown[]): unknown[] | Promise<unknown[]> {
    const values = new Array<unknown>(this.length).fill(undefined);
    let pending: Array<PromiseLike<unknown>> | undefined;
    for (const param of this.params) {
      const value = param.pipes.length === 0 ? param.extract(...args) : piped(param.extract(...args), param, 0);
      if (!isThenable(value)) values[param.index] = value;
      else (pending ??= []).push(value.then((result) => (values[param.index] = result)));
    }
    if (!pending) return values;
    return pending.length === 1 ? Promise.resolve(pending[0]).then(() => values) : Promise.all(pending).then(() => values);
  }
}

function piped(value: unknown, param: ResolvedParam, from: number): unknown {
  for (let index = from; index < param.pipes.length; index++) {
    if (isThenable(value)) return Promise.resolve(value).then((settled) => piped(settled, param, index));
    const { metatype, type, data, schema } = param;
    value = param.pipes[index]!.transform(value, { metatype, type, data, schema } as never);
  }
  return value;
}

class DirectPipeline {
  constructor(
    private readonly instance: object,
    private readonly handler: Handler,
    private readonly guards: CanActivate[],
    private readonly interceptors: NestInterceptor[],
    private readonly filters: ExternalExceptionsHandler,
    private readonly args: ArgumentsResolver | undefined,
  ) {}

  /** One call: its result, or a Promise of it when something on the way is async. */
  readonly invoke: ProxyFn = (params, ctx) => {
    const args = [params, ctx];
    let outcome: unknown;
    try {
      outcome = this.guarded(args);
    } catch (error) {
      return this.filtered(error, args);
    }
    return isThenable(outcome) ? Promise.resolve(outcome).catch((error: unknown) => this.filtered(error, args)) : outcome;
  };

  private guarded(args: unknown[]): unknown {
    if (this.guards.length === 0) return this.intercepted(args);
    const context = this.context(args);
    for (let index = 0; index < this.guards.length; index++) {
      const verdict = this.guards[index]!.canActivate(context);
      if (verdict === true) continue;
      if (verdict === false) throw new ForbiddenException(FORBIDDEN_MESSAGE);
      return this.guardedAsync(verdict, index, context, args);
    }
    return this.intercepted(args, context);
  }

  /** From the first guard that answered with a Promise or an Observable on, as GuardsConsumer does. */
  private async guardedAsync(verdict: unknown, index: number, context: ExecutionContextHost, args: unknown[]): Promise<unknown> {
    for (let next = index; ; ) {
      const value = typeof verdict === 'boolean' ? verdict : await verdict;
      if (!(isObservable(value) ? await lastValueFrom(value) : value)) throw new ForbiddenException(FORBIDDEN_MESSAGE);
      if (++next >= this.guards.length) break;
      verdict = this.guards[next]!.canActivate(context);
    }
    return this.intercepted(args, context);
  }

  /** Guards and interceptors see equal contexts (same args, class, handler, type): one serves both. */
  private intercepted(args: unknown[], context?: ExecutionContextHost): unknown {
    const run = () => this.call(args);
    if (this.interceptors.length === 0) return settle(run());
    return lastValue(interceptorChain(this.interceptors, context ?? this.context(args), run));
  }

  /** Pipes, then the handler: with the call's arguments as they are when it has no param decorators. */
  private call(args: unknown[]): unknown {
    if (!this.args) return this.handler.apply(this.instance, args);
    const resolved = this.args.resolve(args);
    return isThenable(resolved) ? Promise.resolve(resolved).then((values) => this.handler.apply(this.instance, values)) : this.handler.apply(this.instance, resolved);
  }

  private context(args: unknown[]): ExecutionContextHost {
    const context = new ExecutionContextHost(args, this.instance.constructor as never, this.handler);
    context.setType(JSON_RPC_CONTEXT_TYPE);
    return context;
  }

  /** Nest's external filter proxy: custom filters may answer; otherwise it is logged (unless intrinsic) and rethrown. */
  private filtered(error: unknown, args: unknown[]): unknown {
    const host = new ExecutionContextHost(args);
    host.setType(JSON_RPC_CONTEXT_TYPE);
    return this.filters.next(error as Error, host);
  }
}
