// The one file that reaches into Nest's non-public API, so that a Nest release
// that moves something breaks here, at bootstrap, with a message naming it.
// `@nestjs/core/internal` and `@nestjs/common/internal` are what Nest's own
// sibling packages import; ExternalExceptionFilterContext is in neither (nor in
// the root exports), hence its one deep path.
import * as commonInternal from '@nestjs/common/internal';
import type { ApplicationConfig, ModulesContainer } from '@nestjs/core';
import * as externalFilters from '@nestjs/core/exceptions/external-exception-filter-context.js';
import type { ExternalExceptionsHandler } from '@nestjs/core/exceptions/external-exceptions-handler.js';
import * as coreInternal from '@nestjs/core/internal';
import type { InstanceWrapper, Module, ParamProperties } from '@nestjs/core/internal';

export type { ExternalExceptionsHandler, InstanceWrapper, Module, ParamProperties };

const REQUIRED_CORE = [
  'ContextUtils',
  'ExecutionContextHost',
  'GuardsContextCreator',
  'InterceptorsContextCreator',
  'PipesContextCreator',
  'ParamsTokenFactory',
  'Module',
  'STATIC_CONTEXT',
  'FORBIDDEN_MESSAGE',
] as const;

/** Fails bootstrap, naming what is missing, when this Nest lacks an internal the library is built on. */
export function assertNestInternals(): void {
  const core = coreInternal as unknown as Record<string, unknown>;
  const missing: string[] = REQUIRED_CORE.filter((name) => core[name] === undefined).map((name) => `@nestjs/core/internal: ${name}`);
  if (typeof (externalFilters as Record<string, unknown>)['ExternalExceptionFilterContext'] !== 'function') {
    missing.push('@nestjs/core/exceptions/external-exception-filter-context.js: ExternalExceptionFilterContext');
  }
  if (typeof (commonInternal as Record<string, unknown>)['ENTRY_PROVIDER_WATERMARK'] !== 'string') missing.push('@nestjs/common/internal: ENTRY_PROVIDER_WATERMARK');
  if (!('entryProviders' in coreInternal.Module.prototype)) missing.push('@nestjs/core/internal: Module#entryProviders');
  if (missing.length) {
    throw new Error(`nestjs-json-rpc cannot run on this @nestjs/core: it needs ${missing.join(', ')}. Use a @nestjs/core version in the range its peerDependencies state.`);
  }
}

export const { ContextUtils, ExecutionContextHost, GuardsContextCreator, InterceptorsContextCreator, PipesContextCreator, ParamsTokenFactory, STATIC_CONTEXT, FORBIDDEN_MESSAGE } =
  coreInternal;
export type ExecutionContextHost = coreInternal.ExecutionContextHost;
export const { RouteParamtypes, FILTER_CATCH_EXCEPTIONS } = commonInternal;

/**
 * Marks a class so that Nest treats it as an *entry provider*: like a
 * controller, it gets request- and transient-scoped global enhancers attached
 * (the scanner gives them to controllers and entry providers only) and its
 * transient enhancers built for it. Without it a scoped global guard would
 * silently never run on a JSON-RPC method.
 */
export function markEntryProvider(target: object): void {
  Reflect.defineMetadata(commonInternal.ENTRY_PROVIDER_WATERMARK, true, target);
}

/** Whether Nest registered the wrapper as one of its module's entry providers. */
export function isEntryProvider(wrapper: InstanceWrapper): boolean {
  return wrapper.host?.entryProviders.some((entry) => entry.id === wrapper.id) ?? false;
}

/** The context creators a pipeline takes its guards, interceptors, pipes and filters from. */
export interface EnhancerCreators {
  readonly guards: coreInternal.GuardsContextCreator;
  readonly interceptors: coreInternal.InterceptorsContextCreator;
  readonly pipes: coreInternal.PipesContextCreator;
  readonly filters: externalFilters.ExternalExceptionFilterContext;
}

/**
 * Nest's own context creators, as `ExternalContextCreator.fromContainer()`
 * builds them. They read the container only through `getModules()`, so they are
 * given a view of it made from two public injectables instead of the private
 * `NestContainer`.
 */
export function createEnhancerCreators(modules: ModulesContainer, config: ApplicationConfig): EnhancerCreators {
  const container = { getModules: () => modules, applicationConfig: config } as unknown as ConstructorParameters<typeof coreInternal.GuardsContextCreator>[0];
  return {
    guards: new coreInternal.GuardsContextCreator(container, config),
    interceptors: new coreInternal.InterceptorsContextCreator(container, config),
    pipes: new coreInternal.PipesContextCreator(container, config),
    filters: new externalFilters.ExternalExceptionFilterContext(container, config),
  };
}
