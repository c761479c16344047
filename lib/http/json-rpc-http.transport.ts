import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { JsonRpcAuthenticator } from '../auth/authenticator.js';
import { extractToken } from '../auth/extract-token.util.js';
import type { HttpCallOrigin } from '../context/call-origin.js';
import { ShutdownCoordinator } from '../shutdown/shutdown.coordinator.js';
import type { JsonRpcPrincipal, ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { JsonRpcMessageRunner } from '../json-rpc-message.runner.js';
import { JsonRpcDiscovery } from '../openrpc/json-rpc-discovery.js';
import { JsonRpcErrorCode } from '../protocol/error-codes.js';
import { errorResponse, serializeResponse } from '../protocol/response.js';
import { installOnExpress } from './express.platform.js';
import { installOnFastify } from './fastify.platform.js';
import { HttpRateLimits } from './http-rate-limits.js';
import { RequestCalls } from './request-calls.js';
import type { HttpAdapter, HttpEndpoint } from './http-endpoint.interface.js';
import { sendInternalError, sendJson } from './send-json.util.js';

/** One seam per platform; anything else fails the bootstrap with a message. */
const PLATFORMS: Record<string, (adapter: HttpAdapter, endpoint: HttpEndpoint) => void> = {
  express: installOnExpress,
  fastify: installOnFastify,
};

/**
 * `POST {path}` on the app's own HTTP server, on Express or Fastify. Installed
 * in onModuleInit: after the platform's parsers and the app's own routes,
 * before the server listens.
 */
@Injectable()
export class JsonRpcHttpTransport implements OnModuleInit {
  private readonly logger = new Logger('JsonRpc');
  private readonly rates: HttpRateLimits;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly messages: JsonRpcMessageRunner,
    private readonly authenticator: JsonRpcAuthenticator,
    private readonly shutdown: ShutdownCoordinator,
    private readonly discovery: JsonRpcDiscovery,
  ) {
    this.rates = new HttpRateLimits(options.limits.ratePerSecond, options.limits.rateBurst);
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!this.options.http || adapter === undefined) return;
    const platform = adapter.getType();
    const install = PLATFORMS[platform];
    if (install === undefined) {
      throw new Error(
        `JsonRpcModule: the HTTP endpoint supports @nestjs/platform-express and @nestjs/platform-fastify; this app runs on "${platform}". ` +
          'Pass { http: false } to serve JSON-RPC over WebSocket only.',
      );
    }
    const { path, limits } = this.options;
    install(adapter, {
      path,
      body: { maxBytes: limits.maxMessageBytes, timeoutMs: limits.httpBodyTimeoutMs },
      answer: (req, res, body) => this.handle(req, res, body),
      ...(this.discovery.enabled && { describe: (req: IncomingMessage, res: ServerResponse) => this.describe(req, res) }),
    });
    this.logger.log(`HTTP endpoint: POST ${path}${this.discovery.enabled ? ` and GET ${path} (discovery)` : ''} (${platform})`);
  }

  /** `GET {path}`: the discovery document this caller may see (authenticated as a POST is). */
  private describe(req: IncomingMessage, res: ServerResponse): void {
    if (this.shutdown.draining) return sendJson(res, 503);
    this.authenticator.check(req, extractToken(req), 'http').then(
      (auth) => {
        if (!auth.ok) return sendJson(res, 401, serializeResponse(errorResponse(null, { code: JsonRpcErrorCode.Unauthorized, message: 'Authentication required' })));
        sendJson(res, 200, JSON.stringify(this.discovery.documentFor(auth.principal, req)));
      },
      (error: unknown) => {
        this.logger.error(error);
        sendInternalError(res);
      },
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    if (this.shutdown.draining) {
      res.setHeader('connection', 'close');
      sendJson(res, 503, serializeResponse(errorResponse(null, { code: JsonRpcErrorCode.ShuttingDown, message: 'Server is shutting down' })));
      return;
    }
    this.answer(req, res, body).then(
      ([status, text]) => sendJson(res, status, text),
      (error: unknown) => {
        this.logger.error(error);
        sendInternalError(res);
      },
    );
  }

  private async answer(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<[number, string?]> {
    const auth = await this.authenticator.check(req, extractToken(req), 'http');
    if (!auth.ok) return [200, serializeResponse(errorResponse(null, { code: JsonRpcErrorCode.Unauthorized, message: 'Authentication required' }))];
    const principal: JsonRpcPrincipal | undefined = auth.principal;
    const bucket = this.rates.bucketFor(principal, req.socket.remoteAddress);
    const origin: HttpCallOrigin = { transport: 'http', request: req, principal, bucket, calls: new RequestCalls(res) };
    const { answer } = await this.messages.run(body.toString('utf8'), origin);
    return answer === undefined ? [204] : [200, answer];
  }
}
