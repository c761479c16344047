import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchEndpoint } from './endpoint-path.util.js';
import type { HttpAdapter, HttpEndpoint } from './http-endpoint.interface.js';
import { readJsonBody } from './json-body.reader.js';

interface FastifyRequestLike {
  url: string;
  is404: boolean;
  raw: IncomingMessage;
}
interface FastifyReplyLike {
  raw: ServerResponse;
  getHeaders(): Record<string, number | string | string[] | undefined>;
  hijack(): unknown;
  callNotFound(): unknown;
}
type PreParsing = (request: FastifyRequestLike, reply: FastifyReplyLike, payload: unknown, done: () => void) => void;
interface FastifyInstanceLike {
  route(options: { method: string; url: string; preParsing?: PreParsing; handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => void }): unknown;
  addHook(name: 'preParsing', hook: PreParsing): unknown;
}

/**
 * `@nestjs/platform-fastify`: a route whose `preParsing` hook takes the request
 * over (`reply.hijack()`) before Fastify's content-type parsers run, so the
 * body is read by the same reader, with the same limits and answers, as on
 * Express. Every `onRequest` hook (Nest middleware, CORS, security headers,
 * 503 while closing) has run by then, and the headers they set go out with
 * our answer.
 */
export function installOnFastify(adapter: HttpAdapter, endpoint: HttpEndpoint): void {
  const instance = adapter.getInstance<FastifyInstanceLike>();
  if (typeof instance.route !== 'function' || typeof instance.addHook !== 'function') {
    throw new Error('JsonRpcModule: unexpected Fastify instance (no route() / addHook()); cannot install the HTTP endpoint');
  }
  instance.route({
    method: 'POST',
    url: endpoint.path,
    preParsing(request, reply, _payload, done) {
      const hijack = () => takeOver(reply);
      if (matchEndpoint(request.url, endpoint.path) === 'exact') {
        hijack();
        readJsonBody(request.raw, reply.raw, endpoint.body, (body) => endpoint.answer(request.raw, reply.raw, body));
      } else {
        // A variant routed here by `caseSensitive: false` / `ignoreTrailingSlash`: 404 after the body, as on Express.
        readJsonBody(request.raw, reply.raw, endpoint.body, () => reply.callNotFound(), hijack);
      }
      done(); // a no-op for Fastify once the reply is hijacked or sent
    },
    handler: () => {
      throw new Error('JsonRpcModule: the preParsing hook of the JSON-RPC route did not run');
    },
  });
  const { describe } = endpoint;
  if (describe !== undefined) {
    instance.route({
      method: 'GET',
      url: endpoint.path,
      handler(request, reply) {
        if (matchEndpoint(request.url, endpoint.path) !== 'exact') return void reply.callNotFound();
        takeOver(reply);
        describe(request.raw, reply.raw);
      },
    });
  }
  // A variant on its way to the 404 handler: Fastify would parse its body first
  // (400 for invalid JSON). Read it like Express does, then let it through as bodyless.
  instance.addHook('preParsing', (request, reply, _payload, done) => {
    if (!request.is404 || request.raw.method !== 'POST' || matchEndpoint(request.url, endpoint.path) !== 'variant') return done();
    readJsonBody(
      request.raw,
      reply.raw,
      endpoint.body,
      () => {
        markBodyless(request.raw);
        done();
      },
      () => takeOver(reply),
    );
  });
}

/** The answer goes out on the raw response: headers hooks set with `reply.header()` go with it. */
function takeOver(reply: FastifyReplyLike): void {
  reply.hijack();
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && !reply.raw.hasHeader(name)) reply.raw.setHeader(name, value);
  }
}

/** The body was read: what Fastify's parser stage checks (handle-request.js) now says there is none. */
function markBodyless(req: IncomingMessage): void {
  delete req.headers['content-type'];
  delete req.headers['transfer-encoding'];
  req.headers['content-length'] = '0';
}
