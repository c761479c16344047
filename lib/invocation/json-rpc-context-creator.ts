import { ExternalContextCreator } from '@nestjs/core';
import type { NestContainer } from '@nestjs/core/injector/container.js';
import { InterceptorsConsumer } from '@nestjs/core/interceptors/interceptors-consumer.js';
import { DirectPipelineFactory } from './direct-pipeline.js';
import { LeanInterceptorsConsumer } from './lean-interceptors.consumer.js';

/** How handlers get their Nest pipeline. */
export interface JsonRpcPipelines {
  /** Request-scoped (and durable) hosts: a pipeline per call, in that call's DI sub-tree. */
  readonly external: ExternalContextCreator;
  /** Static hosts: one pipeline, built at bootstrap. Absent when Nest's container cannot be reached (`external` serves all). */
  readonly direct: DirectPipelineFactory | undefined;
}

/**
 * Both are built from the container of the ExternalContextCreator Nest injects
 * (so the same global enhancers, modules and scopes); the injected one is
 * shared with other libraries and left untouched. Ours runs interceptors
 * through `LeanInterceptorsConsumer`. The container is not public API, so
 * when it cannot be found the injected creator serves every handler as it is.
 */
export function createPipelines(injected: ExternalContextCreator): JsonRpcPipelines {
  const container = (injected as unknown as { container?: NestContainer }).container;
  if (!container?.applicationConfig || typeof ExternalContextCreator.fromContainer !== 'function') return { external: injected, direct: undefined };
  const own = ExternalContextCreator.fromContainer(container) as unknown as { interceptorsConsumer?: unknown };
  if (!(own.interceptorsConsumer instanceof InterceptorsConsumer)) return { external: injected, direct: undefined };
  own.interceptorsConsumer = new LeanInterceptorsConsumer();
  const external = own as unknown as ExternalContextCreator;
  return { external, direct: new DirectPipelineFactory(container, external) };
}
