import type { JsonRpcPubSub } from '../push/pubsub/json-rpc-pubsub.interface.js';
import type { JsonRpcDiscoveryOptions } from './json-rpc-discovery-options.interface.js';
import type { JsonRpcLimits } from './json-rpc-limits.interface.js';
import type { JsonRpcRequestHead } from './json-rpc-request-head.interface.js';

/**
 * Who is calling, as `authenticate` returns it. `id` identifies the principal
 * (per-principal connection limit, `disconnect({ principal })`); `expiresAt`
 * (epoch ms) closes its WebSockets with 4002 when reached, unless the client
 * re-authenticates on the live connection (`rpc.authenticate`).
 *
 * @publicApi
 */
export interface JsonRpcPrincipal {
  id: string | number;
  expiresAt?: number;
}

/**
 * Checks a caller. `token` is what the library found in `Authorization: Bearer`,
 * or (browsers cannot set WebSocket headers) in a `bearer.<token>` entry of
 * `Sec-WebSocket-Protocol`. Return the principal, or undefined/null (or throw)
 * to refuse: 401 on a WebSocket upgrade, -32001 over HTTP. `request` is the
 * `IncomingMessage` (an HTTP call, a WebSocket upgrade), or for `rpc.authenticate`
 * on a live socket the head kept of its upgrade request.
 */
export type JsonRpcAuthenticate = (
  request: JsonRpcRequestHead,
  token: string | undefined,
) => JsonRpcPrincipal | undefined | null | Promise<JsonRpcPrincipal | undefined | null>;

/** Any pair works: a ping is not sent again while one is unanswered, so `timeoutMs` may exceed `intervalMs`. */
export interface JsonRpcHeartbeatOptions {
  /** Ping every open socket this often. Default 30 000 ms. */
  intervalMs?: number;
  /** A socket that has sent nothing (no pong, no frame) this long after a ping is dead: closed with 4008 and terminated. Default 10 000 ms. */
  timeoutMs?: number;
}

export interface JsonRpcMetricsOptions {
  /** A prom-client Registry to register into. Default: prom-client's global `register`. */
  registry?: unknown;
  /** Metric name prefix. Default `jsonrpc_`. */
  prefix?: string;
}

/**
 * Options of `JsonRpcModule.forRoot()` / `forRootAsync()`.
 *
 * @publicApi
 */
export interface JsonRpcModuleOptions {
  /** Path of both endpoints (HTTP `POST` and WebSocket upgrade). Default `/rpc`. Not affected by `setGlobalPrefix`. */
  path?: string;
  /** `false` turns the HTTP endpoint off. Default on. */
  http?: boolean;
  /** `false` turns the WebSocket endpoint off. Default on. */
  ws?: boolean;
  /** Protection limits; any field left out keeps its default. */
  limits?: Partial<JsonRpcLimits>;
  /**
   * Send the name and message of unexpected errors in `error.data` (never stacks).
   * Default false: clients get a bare -32603 and the details are logged.
   */
  exposeErrorDetails?: boolean;
  /**
   * Carries `publish(topic, ...)` across nodes. Default: in memory (one node).
   * `new RedisPubSub({ client: new Redis(url) })` for several nodes.
   */
  pubsub?: JsonRpcPubSub;
  /** Runs on every WebSocket upgrade and every HTTP request; its result is `ctx.principal`. Default: none (anyone). */
  authenticate?: JsonRpcAuthenticate;
  /** Exact Origin values allowed to open a WebSocket (403 otherwise); a missing Origin (non-browser) is allowed. Default: any. */
  allowedOrigins?: readonly string[];
  /** Server pings; `false` turns them off. */
  heartbeat?: JsonRpcHeartbeatOptions | false;
  /**
   * Refuse a WebSocket by accepting the upgrade and closing at once with the
   * application close code (4001 unauthorized, 4003 origin, 1013 / 4029
   * connection limits, 1001 shutting down) instead of an HTTP 401/403/503:
   * browsers cannot read a refused upgrade's status (they see 1006), but they
   * can read a close code. Default false.
   */
  acceptThenClose?: boolean;
  /** At shutdown, in-flight calls get this long to finish before sockets close with 1001. Default 20 000 ms. */
  drainMs?: number;
  /** Calls slower than this are logged as a warning. Default 1 000 ms. */
  slowCallMs?: number;
  /** Prometheus metrics through prom-client (install it): `true` or options. Default off. */
  metrics?: boolean | JsonRpcMetricsOptions;
  /**
   * The OpenRPC document at `rpc.discover` and `GET {path}` (README "Discovery"):
   * options, or `false` to turn it off (-32601 and 404). Default on.
   */
  discovery?: boolean | JsonRpcDiscoveryOptions;
}

/**
 * What a `forRootAsync({ useClass })` options class implements.
 *
 * @publicApi
 */
export interface JsonRpcOptionsFactory {
  createJsonRpcOptions(): JsonRpcModuleOptions | Promise<JsonRpcModuleOptions>;
}

/** The options with every default applied. */
export interface ResolvedJsonRpcOptions {
  path: string;
  http: boolean;
  ws: boolean;
  limits: JsonRpcLimits;
  exposeErrorDetails: boolean;
  pubsub: JsonRpcPubSub;
  authenticate: JsonRpcAuthenticate | undefined;
  allowedOrigins: ReadonlySet<string> | undefined;
  heartbeat: Required<JsonRpcHeartbeatOptions> | false;
  acceptThenClose: boolean;
  drainMs: number;
  slowCallMs: number;
  metrics: JsonRpcMetricsOptions | undefined;
  discovery: JsonRpcDiscoveryOptions | false;
}
