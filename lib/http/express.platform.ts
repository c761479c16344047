import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchEndpoint } from './endpoint-path.util.js';
import type { HttpAdapter, HttpEndpoint } from './http-endpoint.interface.js';
import { useAtFront } from './express-front.seam.js';
import { readJsonBody } from './json-body.reader.js';
import { sendInternalError } from './send-json.util.js';

/** Where the front middleware leaves the body for the route. */
const RAW_BODY = Symbol('json-rpc:raw-body');
type RequestWithBody = IncomingMessage & { [RAW_BODY]?: Buffer };

/**
 * `@nestjs/platform-express`: a middleware at the very front of the stack reads
 * the body (before express.json(), which Nest installed before any module hook
 * runs), then everything else the app installed (CORS, helmet, its own
 * middleware) runs, then the route answers. Path variants that Express's router
 * matches (`/RPC`, `/rpc/`) are read the same way, then passed on to Nest's 404.
 */
export function installOnExpress(adapter: HttpAdapter, endpoint: HttpEndpoint): void {
  useAtFront(adapter.getInstance<Parameters<typeof useAtFront>[0]>(), (req: RequestWithBody, res, next) => {
    if (req.method !== 'POST' || matchEndpoint(req.url, endpoint.path) === 'other') return next();
    readJsonBody(req, res, endpoint.body, (body) => {
      req[RAW_BODY] = body;
      next();
    });
  });
  // Nest types `next` as Function.
  adapter.post(endpoint.path, (req: RequestWithBody, res: ServerResponse, next?: Function) => {
    const body = req[RAW_BODY];
    if (matchEndpoint(req.url, endpoint.path) !== 'exact') return next?.();
    // Undefined when something consumed the body before our reader (a parser put ahead of it after bootstrap).
    if (body === undefined) sendInternalError(res);
    else endpoint.answer(req, res, body);
  });
  const { describe } = endpoint;
  if (describe === undefined) return;
  adapter.get(endpoint.path, (req: IncomingMessage, res: ServerResponse, next?: Function) => {
    if (matchEndpoint(req.url, endpoint.path) !== 'exact') return next?.();
    describe(req, res);
  });
}
