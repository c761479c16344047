/**
 * One open WebSocket connection, as `JsonRpcServer.inspect()` reports it.
 *
 * @publicApi
 */
export interface JsonRpcConnectionInfo {
  id: string;
  /** `principal.id` as `authenticate` returned it; undefined for an anonymous connection. */
  principal: string | number | undefined;
  /** When the socket opened (ISO time) and how long ago, in ms. */
  openedAt: string;
  ageMs: number;
  topics: string[];
  remoteAddress: string | undefined;
}

/**
 * Calls by method and result code (0 = success) since the app started, and
 * the mean rate over the last 10 whole seconds.
 *
 * @publicApi
 */
export interface JsonRpcCallRate {
  method: string;
  /** null only on the "(other)" row: calls beyond the 256-row cap, whatever their code. */
  code: number | null;
  total: number;
  perSecond: number;
}

/** A call slower than the `slowCallMs` option. @publicApi */
export interface JsonRpcSlowCall {
  method: string;
  transport: string;
  code: number;
  ms: number;
  at: string;
}

/**
 * A read-only snapshot of what this node's server knows: JSON-safe, so a
 * method can return it as is (the sample app's operator panel does).
 *
 * @publicApi
 */
export interface JsonRpcInspection {
  /** WebSocket connections of this node, oldest first. */
  connections: JsonRpcConnectionInfo[];
  /** Topics with at least one member on this node, and how many. */
  topics: Array<{ topic: string; members: number }>;
  calls: JsonRpcCallRate[];
  slowCalls: JsonRpcSlowCall[];
}
