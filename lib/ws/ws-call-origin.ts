import type { JsonRpcRequestHead } from '../interfaces/json-rpc-request-head.interface.js';
import type { RateBucket, RunningCalls, WsCallOrigin } from '../context/call-origin.js';
import type { JsonRpcPrincipal } from '../interfaces/json-rpc-module-options.interface.js';
import type { ClientResponse } from '../protocol/validate-request.js';
import type { RpcConnection } from '../push/rpc-connection.js';

/**
 * The origin of every frame of one connection, built once when it opens. One
 * field: the rest are getters on the prototype, read at each call (the
 * principal may change on `rpc.authenticate`).
 */
export class ConnectionOrigin implements WsCallOrigin {
  constructor(readonly connection: RpcConnection) {}

  get transport(): 'ws' {
    return 'ws';
  }

  get request(): JsonRpcRequestHead {
    return this.connection.upgradeRequest;
  }

  get principal(): JsonRpcPrincipal | undefined {
    return this.connection.principal;
  }

  get bucket(): RateBucket {
    return this.connection.bucket;
  }

  get calls(): RunningCalls {
    return this.connection.inbound;
  }

  receive(response: ClientResponse): void {
    this.connection.receive(response);
  }
}
