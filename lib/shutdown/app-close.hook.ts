import type { HttpAdapterHost } from '@nestjs/core';

/**
 * Runs `drain` inside `app.close()` before any module is destroyed. Nest awaits
 * the HTTP adapter's public `beforeClose()` hook first, while every provider is
 * still alive; a global module's own shutdown hooks would run only after the
 * app's `onModuleDestroy()`, too late to finish calls that need the app's
 * services. This file is the one place that wraps the adapter's hook.
 */
export function drainBeforeAppClose(adapterHost: HttpAdapterHost, drain: () => Promise<void>): void {
  const adapter = adapterHost.httpAdapter as { beforeClose?: () => unknown } | undefined;
  if (adapter === undefined) return; // a standalone application context: Nest's shutdown hooks drain
  if (adapter.beforeClose !== undefined && typeof adapter.beforeClose !== 'function') {
    throw new Error('JsonRpcModule: the HTTP adapter has a beforeClose that is not a function; cannot drain before app.close()');
  }
  const beforeClose = adapter.beforeClose?.bind(adapter);
  adapter.beforeClose = async () => {
    await drain();
    await beforeClose?.();
  };
}
