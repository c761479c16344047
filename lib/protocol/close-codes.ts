/**
 * WebSocket close codes the server sends, and what a client should do on each.
 * Server and client share this table (the client imports it), so a close always
 * says "reconnect", "refresh credentials, then reconnect" or "stop".
 * 4000-4999 are application codes (RFC 6455 7.4.2); their last three digits
 * echo the HTTP status they stand for where there is one.
 *
 * @publicApi
 */
export enum JsonRpcCloseCode {
  /** Normal close (the client's or the server's on purpose). */
  Normal = 1000,
  /** Server going away: shutdown or restart after the drain. */
  GoingAway = 1001,
  /** A protocol-level violation `ws` itself detects (bad frame, too many fragments). */
  ProtocolError = 1002,
  /** A frame that is not valid UTF-8 text. */
  InvalidPayload = 1007,
  /** Generic policy violation (kept for `ws`'s own limits). */
  PolicyViolation = 1008,
  /** A message over `limits.maxMessageBytes`. */
  MessageTooBig = 1009,
  /** Unexpected server error. */
  InternalError = 1011,
  /** Server overloaded or at its connection limit: try again later. */
  TryAgainLater = 1013,
  /** Authentication refused (accept-then-close mode) or required. */
  Unauthorized = 4001,
  /** The principal's credentials expired on a live connection. */
  AuthenticationExpired = 4002,
  /** Forbidden: Origin not allowed, or the principal may not connect. */
  Forbidden = 4003,
  /** Logged out by the server (`JsonRpcServer.disconnect({ principal })`). */
  LoggedOut = 4004,
  /** The peer missed its heartbeat (pong or `rpc.ping`). */
  HeartbeatTimeout = 4008,
  /** The client did not read fast enough (slow consumer). */
  SlowConsumer = 4009,
  /** Too many connections for this principal, or a rate limit. */
  RateLimited = 4029,
}

/** What a client does when the server closes with a given code. */
export type CloseAction = 'reconnect' | 'reauthenticate' | 'stop';

const ACTIONS: Readonly<Record<number, CloseAction>> = {
  [JsonRpcCloseCode.Normal]: 'stop',
  [JsonRpcCloseCode.GoingAway]: 'reconnect',
  [JsonRpcCloseCode.ProtocolError]: 'stop',
  [JsonRpcCloseCode.InvalidPayload]: 'stop',
  [JsonRpcCloseCode.PolicyViolation]: 'stop',
  [JsonRpcCloseCode.MessageTooBig]: 'stop',
  [JsonRpcCloseCode.InternalError]: 'reconnect',
  [JsonRpcCloseCode.TryAgainLater]: 'reconnect',
  [JsonRpcCloseCode.Unauthorized]: 'reauthenticate',
  [JsonRpcCloseCode.AuthenticationExpired]: 'reauthenticate',
  [JsonRpcCloseCode.Forbidden]: 'stop',
  [JsonRpcCloseCode.LoggedOut]: 'stop',
  [JsonRpcCloseCode.HeartbeatTimeout]: 'reconnect',
  [JsonRpcCloseCode.SlowConsumer]: 'reconnect',
  [JsonRpcCloseCode.RateLimited]: 'reconnect',
};

/**
 * The action for a close code. Codes not in the table: 1006 (abnormal, no close
 * frame: the network or a killed server) and any other code reconnect, except
 * the 4000-4999 range a server defined without telling us, which stops.
 */
export function closeAction(code: number): CloseAction {
  const known = ACTIONS[code];
  if (known) return known;
  return code >= 4000 && code <= 4999 ? 'stop' : 'reconnect';
}
