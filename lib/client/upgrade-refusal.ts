import { closeAction, JsonRpcCloseCode, type CloseAction } from '../protocol/close-codes.js';

/**
 * Node's `ws` reports a refused upgrade as an error "Unexpected server response: 401"
 * (and then closes with 1006); browsers only ever see 1006. The status means the
 * same as the close code the server sends in accept-then-close mode.
 */
const STATUS_TO_CLOSE_CODE: Readonly<Record<number, number>> = {
  401: JsonRpcCloseCode.Unauthorized,
  403: JsonRpcCloseCode.Forbidden,
  429: JsonRpcCloseCode.RateLimited,
  503: JsonRpcCloseCode.TryAgainLater,
};

/** The HTTP status of a refused upgrade, read from a `ws` error event; undefined otherwise. */
export function refusedStatus(event: unknown): number | undefined {
  const message = (event as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return undefined;
  const match = /Unexpected server response: (\d{3})/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** What to do after an upgrade refused with `status`: the close-code table's action for its code. */
export function refusalAction(status: number): CloseAction {
  const code = STATUS_TO_CLOSE_CODE[status];
  if (code !== undefined) return closeAction(code);
  // 5xx: the server is in trouble, try again later; other 4xx will not change by retrying.
  return status >= 500 ? 'reconnect' : 'stop';
}
