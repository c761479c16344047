import { ExternalContextCreator } from '@nestjs/core';
import { InterceptorsConsumer } from '@nestjs/core/interceptors/interceptors-consumer.js';
import { LeanInterceptorsConsumer } from './lean-interceptors.consumer.js';

/**
 * A context creator of our own, built from the same Nest container as the one
 * Nest injects (so the same global enhancers, modules and scopes), whose
 * interceptor chain is `LeanInterceptorsConsumer`. The injected one is shared
 * with other libraries and left untouched. The container is not public API, so
 * when it cannot be found the injected creator is used as it is.
 */
export function withLeanInterceptors(injected: ExternalContextCreator): ExternalContextCreator {
  const container = (injected as unknown as { container?: Parameters<typeof ExternalContextCreator.fromContainer>[0] }).container;
  if (!container || typeof ExternalContextCreator.fromContainer !== 'function') return injected;
  const own = ExternalContextCreator.fromContainer(container) as unknown as { interceptorsConsumer?: unknown };
  if (!(own.interceptorsConsumer instanceof InterceptorsConsumer)) return injected;
  own.interceptorsConsumer = new LeanInterceptorsConsumer();
  return own as unknown as ExternalContextCreator;
}
