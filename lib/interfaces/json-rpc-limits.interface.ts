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
}
