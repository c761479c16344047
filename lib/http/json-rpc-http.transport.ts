import type { ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { CallOrigin } from '../context/json-rpc-call-context.js';
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

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly dispatcher: JsonRpcDispatcher,
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
    const origin: CallOrigin = { transport: 'http', request: req, principal: undefined };
    this.dispatcher.handleMessage(body.toString('utf8'), origin).then(
      (text) => (text === undefined ? this.send(res, 204) : this.send(res, 200, text)),
      (error: unknown) => {
        this.logger.error(error);
        this.send(res, 500, serializeResponse(errorResponse(null, standardError(JsonRpcErrorCode.InternalError))));
      },
    );
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
