/** What `auth()` may return: a bearer token, or a one-time ticket (`?ticket=` on the WebSocket URL). */
export type JsonRpcCredentials =
  | string
  | {
      token?: string;
      ticket?: string;
      /** Epoch ms when the token expires: the client re-authenticates on the live socket before then. */
      expiresAt?: number;
    };

/** The constructor the client opens sockets with: the browser's `WebSocket`, or `ws` in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: object) => WebSocketLike;

/** Full-jitter exponential backoff: each wait is `random(0, min(maxDelayMs, baseDelayMs * 2^attempt))`. */
export interface ReconnectOptions {
  /** Default 250 ms. */
  baseDelayMs?: number;
  /** Default 30 000 ms: the ceiling of the backoff window. */
  maxDelayMs?: number;
  /** Give up (state `closed`) after this many failed attempts in a row. Default Infinity. */
  maxAttempts?: number;
}

/**
 * Options of `new JsonRpcClient(...)`.
 *
 * @publicApi
 */
export interface JsonRpcClientOptions {
  /** `ws://` / `wss://` (WebSocket) or `http://` / `https://` (HTTP POST with fetch). */
  url: string;
  /** Credentials, asked for on every (re)connect (and every HTTP request, cached until refused). */
  auth?: () => JsonRpcCredentials | undefined | Promise<JsonRpcCredentials | undefined>;
  /**
   * How a token reaches the WebSocket server: `protocol` (a `bearer.<token>` subprotocol; works in
   * browsers, token limited to RFC 7230 token characters) or `header` (`Authorization: Bearer`,
   * Node's `ws` only). Default `protocol`.
   */
  tokenIn?: 'protocol' | 'header';
  /** WebSocket implementation; default `globalThis.WebSocket` (Node 20: pass `WebSocket` from `ws`). */
  WebSocket?: WebSocketConstructor;
  /** fetch implementation for HTTP; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Default per-call timeout. Default 30 000 ms; 0 turns it off. */
  timeoutMs?: number;
  /** `false` turns reconnecting off (a drop ends in `closed`). */
  reconnect?: ReconnectOptions | false;
  /** Calls made while not connected: `queue` (sent on open, bounded by `maxQueue`) or `reject`. Default `queue`. */
  offline?: 'queue' | 'reject';
  /** Default 100 queued calls; more are rejected with NotConnectedError. */
  maxQueue?: number;
  /** Connect on the first call instead of in the constructor. Default false. */
  lazy?: boolean;
  /** Close the socket after this long without calls or subscriptions (state `idle`); reopened on the next call. Off by default. */
  idleCloseMs?: number;
  /** Send `rpc.ping` after this long without a frame from the server; no answer within `heartbeatTimeoutMs` -> reconnect. Default 15 000 ms; 0 off. */
  heartbeatMs?: number;
  /** Default 5 000 ms. */
  heartbeatTimeoutMs?: number;
  /** Re-authenticate this long before `expiresAt`. Default 10 000 ms. */
  reauthenticateBeforeMs?: number;
  /** Calls made in the same tick leave as one batch of at most this many (the server's `maxBatchSize`, default 100). Off by default. */
  autoBatch?: boolean | { maxSize?: number };
}

/** Per-call options. */
export interface CallOptions {
  /** Overrides the client's `timeoutMs`; 0 waits forever. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Safe to run twice: re-sent after a reconnect instead of rejected when the connection drops. */
  idempotent?: boolean;
}

/** Connection state, observable with `client.on('state', ...)`. */
export type JsonRpcClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';
