import type { JsonRpcPubSub } from '../push/pubsub/json-rpc-pubsub.interface.js';
import type { JsonRpcLimits } from './json-rpc-limits.interface.js';

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
}

/** The options with every default applied. */
export interface ResolvedJsonRpcOptions {
  path: string;
  http: boolean;
  ws: boolean;
  limits: JsonRpcLimits;
  exposeErrorDetails: boolean;
  pubsub: JsonRpcPubSub;
}
