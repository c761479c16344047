import type { JsonRpcErrorObject } from '../protocol/json-rpc.types.js';

/**
 * An error the server sent (`error` of a response): `code`, `message` and
 * `data` exactly as received. Never made up by the client: transport failures
 * are the other classes in this file.
 *
 * @publicApi
 */
export class JsonRpcError extends Error {
  override readonly name = 'JsonRpcError';
  readonly code: number;
  readonly data: unknown;

  constructor(error: JsonRpcErrorObject) {
    super(error.message);
    this.code = error.code;
    this.data = error.data;
  }
}

/** Base class of every failure that is not an answer from the server. @publicApi */
export class JsonRpcTransportError extends Error {
  override readonly name: string = 'JsonRpcTransportError';
}

/**
 * The connection dropped (or was closed) while the call was pending: the call
 * may or may not have run on the server. Not re-sent unless marked idempotent.
 *
 * @publicApi
 */
export class ConnectionClosedError extends JsonRpcTransportError {
  override readonly name = 'ConnectionClosedError';

  constructor(
    /** The WebSocket close code (1006: no close frame, e.g. a killed server or a lost network). */
    readonly closeCode: number,
    readonly reason = '',
  ) {
    super(`Connection closed (${closeCode}${reason ? `: ${reason}` : ''})`);
  }
}

/** No open connection and the client does not queue (or its queue is full, or it was closed). @publicApi */
export class NotConnectedError extends JsonRpcTransportError {
  override readonly name = 'NotConnectedError';
}

/** No answer within `timeoutMs`; the client sent `rpc.cancel` for it. @publicApi */
export class RpcTimeoutError extends JsonRpcTransportError {
  override readonly name = 'RpcTimeoutError';

  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`"${method}" got no answer within ${timeoutMs} ms`);
  }
}

/** The caller's `AbortSignal` fired; the client sent `rpc.cancel` for the call. @publicApi */
export class RpcAbortedError extends JsonRpcTransportError {
  override readonly name = 'RpcAbortedError';

  constructor(
    readonly method: string,
    /** `signal.reason`. */
    readonly reason: unknown,
  ) {
    super(`"${method}" was aborted`);
  }
}

/** The server refused the connection or answered HTTP with an unexpected status. @publicApi */
export class ConnectionRefusedError extends JsonRpcTransportError {
  override readonly name = 'ConnectionRefusedError';

  constructor(
    /** HTTP status when known (Node, HTTP transport); undefined in browsers (they see 1006). */
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The operation needs a WebSocket (subscriptions, server -> client calls over HTTP). @publicApi */
export class UnsupportedOperationError extends JsonRpcTransportError {
  override readonly name = 'UnsupportedOperationError';
}
