import { Injectable } from '@nestjs/common';
import { JsonRpcAuthenticator } from '../auth/authenticator.js';
import type { CallOrigin } from '../context/call-origin.js';
import { JsonRpcDiscovery } from '../openrpc/json-rpc-discovery.js';
import { JsonRpcErrorCode } from '../protocol/error-codes.js';
import type { JsonRpcResponse } from '../protocol/json-rpc.types.js';
import { errorResponse, needsWebSocket, standardError, successResponse } from '../protocol/response.js';
import type { RpcCall } from '../protocol/validate-request.js';
import type { RpcConnection } from '../push/rpc-connection.js';

type Builtin = (call: RpcCall, connection: RpcConnection) => JsonRpcResponse | Promise<JsonRpcResponse>;

/** Reads `[value]` or `{ key: value }` params. */
function firstParam(params: RpcCall['params'], key: string): unknown {
  return Array.isArray(params) ? params[0] : params?.[key];
}

/** Sent in the cancelled call's place (the handler's late result is dropped). */
const CANCELLED = { code: JsonRpcErrorCode.RequestCancelled, message: 'Request cancelled' };

/**
 * The reserved `rpc.*` methods the library provides (apps cannot register
 * `rpc.*` names): `rpc.ping` (both transports: the client's heartbeat, since
 * browsers cannot send ping frames), `rpc.discover` (both: the OpenRPC
 * document, unless discovery is off), and the WebSocket-only `rpc.unsubscribe`,
 * `rpc.authenticate` and `rpc.cancel`.
 */
@Injectable()
export class RpcBuiltins {
  private readonly handlers = new Map<string, Builtin>([
    ['rpc.unsubscribe', (call, connection) => this.unsubscribe(call, connection)],
    ['rpc.authenticate', (call, connection) => this.authenticate(call, connection)],
    ['rpc.cancel', (call, connection) => this.cancel(call, connection)],
  ]);

  constructor(
    private readonly authenticator: JsonRpcAuthenticator,
    private readonly discovery: JsonRpcDiscovery,
  ) {}

  has(method: string): boolean {
    return this.handlers.has(method) || method === 'rpc.ping' || (method === 'rpc.discover' && this.discovery.enabled);
  }

  handle(call: RpcCall, origin: CallOrigin): JsonRpcResponse | Promise<JsonRpcResponse> {
    if (call.method === 'rpc.ping') return successResponse(call.id, 'pong');
    if (call.method === 'rpc.discover') return successResponse(call.id, this.discovery.documentFor(origin.principal, origin.request) ?? null);
    if (origin.transport !== 'ws') return needsWebSocket(call.id, call.method);
    return this.handlers.get(call.method)!(call, origin.connection);
  }

  /** `[id]` or `{ subscription: id }`: true, or false if unknown. */
  private unsubscribe(call: RpcCall, connection: RpcConnection): JsonRpcResponse {
    const id = firstParam(call.params, 'subscription');
    if (typeof id !== 'string') return errorResponse(call.id, standardError(JsonRpcErrorCode.InvalidParams, ['subscription must be a string']));
    return successResponse(call.id, connection.subscriptionCount > 0 && connection.subscriptions.unsubscribe(id));
  }

  /**
   * `[id]` or `{ id }` of a call still running on this connection (as in LSP's
   * `$/cancelRequest`): aborts its `ctx.signal` and answers it with -32800 now.
   * True if it was running. Only handlers that returned a Promise can be
   * cancelled: a synchronous one has already answered.
   */
  private cancel(call: RpcCall, connection: RpcConnection): JsonRpcResponse {
    const id = firstParam(call.params, 'id');
    if (typeof id !== 'string' && typeof id !== 'number') return errorResponse(call.id, standardError(JsonRpcErrorCode.InvalidParams, ['id must be a string or a number']));
    const running = connection.inbound.find(id);
    if (running !== undefined) {
      running.abort(new Error('Request cancelled by the client'));
      running.settle?.(errorResponse(running.id, CANCELLED));
    }
    return successResponse(call.id, running !== undefined);
  }

  /** `[token]` or `{ token }`: renews the connection's principal (same id) before it expires. */
  private async authenticate(call: RpcCall, connection: RpcConnection): Promise<JsonRpcResponse> {
    if (!this.authenticator.enabled) return errorResponse(call.id, standardError(JsonRpcErrorCode.MethodNotFound));
    const token = firstParam(call.params, 'token');
    if (typeof token !== 'string') return errorResponse(call.id, standardError(JsonRpcErrorCode.InvalidParams, ['token must be a string']));
    const result = await this.authenticator.check(connection.upgradeRequest, token, 'ws');
    if (!result.ok || result.principal?.id !== connection.principal?.id) {
      return errorResponse(call.id, { code: JsonRpcErrorCode.Unauthorized, message: 'Authentication failed' });
    }
    connection.session.renew(result.principal);
    return successResponse(call.id, { expiresAt: result.principal?.expiresAt ?? null });
  }
}
