import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { JsonRpcAuthenticator } from '../auth/authenticator.js';
import { extractToken } from '../auth/extract-token.util.js';
import type { CallOrigin } from '../context/json-rpc-call-context.js';
import { TokenBucket } from '../limits/token-bucket.js';
import { ShutdownState } from '../shutdown.state.js';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { JsonRpcDispatcher } from '../json-rpc.dispatcher.js';
import { JsonRpcErrorCode } from '../protocol/error-codes.js';
import { errorResponse, serializeResponse, standardError } from '../protocol/response.js';
import { createJsonBodyReader, RAW_BODY, type RequestWithRawBody } from './read-json-body.middleware.js';

interface ExpressLikeApp {
  use(handler: (...args: never[]) => void): unknown;
  router?: { stack?: unknown[] };
}

/**
 * `POST {path}` on the app's own HTTP server. Registered in onModuleInit: after
 * the platform's parsers and the app's own routes, before Nest's 404 handler.
 */
@Injectable()
export class JsonRpcHttpTransport implements OnModuleInit {
  private readonly logger = new Logger('JsonRpc');
  /** Rate limit per keep-alive socket; gone with the socket. */
  private readonly buckets = new WeakMap<Socket, TokenBucket>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly dispatcher: JsonRpcDispatcher,
    private readonly authenticator: JsonRpcAuthenticator,
    private readonly shutdown: ShutdownState,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!this.options.http || adapter === undefined) return;
    if (adapter.getType() !== 'express') {
      throw new Error(
        `JsonRpcModule: the HTTP endpoint supports @nestjs/platform-express; this app runs on "${adapter.getType()}". ` +
          'Pass { http: false } to serve JSON-RPC over WebSocket only.',
      );
    }
    this.installFirst(adapter.getInstance<ExpressLikeApp>(), createJsonBodyReader(this.options.path, this.options.limits.maxMessageBytes));
    adapter.post(this.options.path, (req: RequestWithRawBody, res: ServerResponse) => this.handle(req, res));
    this.logger.log(`HTTP endpoint: POST ${this.options.path}`);
  }

  /**
   * The body reader must run before the JSON parser, which Nest installed
   * before any module hook runs; Nest's own adapter inspects `router.stack`
   * the same way (isMiddlewareApplied).
   */
  private installFirst(app: ExpressLikeApp, middleware: ReturnType<typeof createJsonBodyReader>): void {
    app.use(middleware);
    const stack = app.router?.stack;
    if (!stack || stack.length === 0) throw new Error('JsonRpcModule: unexpected Express router layout');
    stack.unshift(stack.pop());
  }

  private handle(req: RequestWithRawBody, res: ServerResponse): void {
    const body = req[RAW_BODY];
    if (body === undefined) {
      // Something consumed the body before our reader: an app-level parser installed ahead of it.
      this.send(res, 500, serializeResponse(errorResponse(null, standardError(JsonRpcErrorCode.InternalError))));
      return;
    }
    if (this.shutdown.draining) {
      res.setHeader('connection', 'close');
      this.send(res, 503, serializeResponse(errorResponse(null, { code: JsonRpcErrorCode.ShuttingDown, message: 'Server is shutting down' })));
      return;
    }
    this.shutdown.httpInFlight++;
    this.answer(req, body).then(
      ([status, text]) => this.send(res, status, text),
      (error: unknown) => {
        this.logger.error(error);
        this.send(res, 500, serializeResponse(errorResponse(null, standardError(JsonRpcErrorCode.InternalError))));
      },
    ).finally(() => this.shutdown.httpInFlight--);
  }

  private async answer(req: RequestWithRawBody, body: Buffer): Promise<[number, string?]> {
    const auth = await this.authenticator.check(req, extractToken(req), 'http');
    if (!auth.ok) return [200, serializeResponse(errorResponse(null, { code: JsonRpcErrorCode.Unauthorized, message: 'Authentication required' }))];
    const origin: CallOrigin = { transport: 'http', request: req, principal: auth.principal, bucket: this.bucketOf(req.socket) };
    const text = await this.dispatcher.handleMessage(body.toString('utf8'), origin);
    return text === undefined ? [204] : [200, text];
  }

  private bucketOf(socket: Socket): TokenBucket {
    let bucket = this.buckets.get(socket);
    if (!bucket) {
      bucket = new TokenBucket(this.options.limits.ratePerSecond, this.options.limits.rateBurst);
      this.buckets.set(socket, bucket);
    }
    return bucket;
  }

  private send(res: ServerResponse, status: number, body?: string): void {
    if (res.headersSent || res.destroyed) return;
    res.statusCode = status;
    if (body === undefined) {
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  }
}
