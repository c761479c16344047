import type { JsonRpcRequestHead } from '../interfaces/json-rpc-request-head.interface.js';
import type { JsonRpcConnection } from '../interfaces/json-rpc-connection.interface.js';
import type { JsonRpcContext, JsonRpcTransport } from '../interfaces/json-rpc-context.interface.js';
import type { JsonRpcPrincipal } from '../interfaces/json-rpc-module-options.interface.js';
import type { JsonRpcId, JsonRpcResponse } from '../protocol/json-rpc.types.js';
import type { RpcCall } from '../protocol/validate-request.js';
import type { CallOrigin } from './call-origin.js';

/** The `JsonRpcContext` of one call. */
export class JsonRpcCallContext implements JsonRpcContext {
  readonly transport: JsonRpcTransport;
  readonly method: string;
  readonly id: JsonRpcId;
  readonly isNotification: boolean;
  readonly principal: JsonRpcPrincipal | undefined;
  readonly connection: JsonRpcConnection | undefined;
  readonly request: JsonRpcRequestHead;
  lastEventId: string | number | undefined = undefined;
  /** @internal answers the call now, whatever the handler does later (`rpc.cancel`); set while it runs on a connection. */
  settle: ((response: JsonRpcResponse) => void) | undefined = undefined;
  // An AbortController per call is measurable on the hot path; most handlers never look.
  private controller: AbortController | undefined;

  constructor(origin: CallOrigin, call: RpcCall) {
    this.transport = origin.transport;
    this.request = origin.request;
    this.principal = origin.principal; // WS: the connection's, as it is now (it may re-authenticate)
    this.connection = origin.transport === 'ws' ? origin.connection : undefined;
    this.method = call.method;
    this.id = call.id;
    this.isNotification = call.isNotification;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** Aborts `signal` (if anyone asked for it). */
  abort(reason?: unknown): void {
    this.controller?.abort(reason);
  }
}
