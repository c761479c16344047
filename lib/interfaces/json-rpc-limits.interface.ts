/**
 * Protection limits. Every field is optional in the module options; the
 * defaults (see README, "Limits") are secure for a public endpoint.
 */
export interface JsonRpcLimits {
  /** Largest WebSocket message or HTTP body, in bytes. Default 1 MiB (ws alone would allow 100 MiB). */
  maxMessageBytes: number;
  /** Most items in one batch; a larger batch gets one -32600 and nothing runs. Default 100. */
  maxBatchSize: number;
  /** Longest method name, in characters. Default 256. */
  maxMethodNameLength: number;
  /** Deepest nesting of `params`. Default 32. */
  maxParamsDepth: number;
  /** Live subscriptions per WebSocket connection. Default 100. */
  maxSubscriptionsPerConnection: number;
  /** Largest answer (a whole batch counted), in bytes; larger answers become -32013. Default 5 MiB. */
  maxResponseBytes: number;
  /** Calls running at once per WebSocket; beyond it the socket is not read (backpressure). Default 32. */
  maxInFlightPerConnection: number;
  /** Open WebSocket connections on this node; beyond it the upgrade gets 503. Default 10 000. */
  maxConnections: number;
  /** Open WebSocket connections per principal (with `authenticate`); beyond it 503. Default 20. */
  maxConnectionsPerPrincipal: number;
  /** Token bucket per WebSocket connection, and over HTTP per principal (else per client address): calls per second... Default 100. */
  ratePerSecond: number;
  /** ...and burst. Every batch item counts. Over it: -32029. Default 500 (a page that opens with a few hundred calls is not refused). */
  rateBurst: number;
  /** An HTTP body not received in full this long after the headers gets 408 and the socket closed (slowloris). Default 10 000. */
  httpBodyTimeoutMs: number;
  /** A call running longer gets -32008, its `ctx.signal` aborted, its late result dropped. Default 30 000. */
  handlerTimeoutMs: number;
  /** Bytes queued for a client that does not read... Default 1 MiB. */
  slowConsumerBytes: number;
  /**
   * ...for longer than this, while frames that may not be dropped keep coming
   * (responses, 'close'-policy subscriptions, topics), closes it with 4009. Default 10 000.
   */
  slowConsumerMs: number;
  /**
   * Hard ceiling of bytes waiting to be written to one connection (socket buffer
   * and the library's queue): a frame that would go past it closes the
   * connection at once (4009), whatever `slowConsumerMs` says. At least
   * `slowConsumerBytes` and `maxResponseBytes`. Default 16 MiB.
   */
  maxBufferedBytes: number;
}
