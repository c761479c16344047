import type { IncomingMessage, ServerResponse } from 'node:http';

type Next = (error?: unknown) => void;
export type FrontMiddleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

interface ExpressApp {
  use(handler: FrontMiddleware): unknown;
  router?: { stack?: Array<{ handle?: unknown }> };
}

/**
 * Puts `middleware` at the very front of an Express app's stack, ahead of the
 * body parsers Nest installed before any module hook runs. Express has no
 * public API for that; its router keeps the layers in `router.stack` (Nest's
 * own adapter reads it too, in isMiddlewareApplied). This file is the one
 * place that touches it: the layout is checked before, and the result after,
 * and anything unexpected fails the bootstrap instead of reading bodies late.
 */
export function useAtFront(app: ExpressApp, middleware: FrontMiddleware): void {
  const stack = app.router?.stack;
  if (typeof app.use !== 'function' || !Array.isArray(stack)) {
    throw new Error('JsonRpcModule: unexpected Express application layout (no app.use / router.stack); cannot install the HTTP endpoint');
  }
  app.use(middleware);
  const layer = stack.pop();
  if (layer?.handle !== middleware) {
    throw new Error('JsonRpcModule: unexpected Express router layout (app.use did not append a layer to router.stack); cannot install the HTTP endpoint');
  }
  stack.unshift(layer);
}
