import { requestPath } from '../utils/request-path.util.js';

/**
 * How a request URL relates to the endpoint path. Only `exact` is served.
 * A `variant` differs only in letter case or trailing slashes (`/RPC`, `/rpc/`):
 * Express's router matches those by default (and Fastify's with `caseSensitive:
 * false` / `ignoreTrailingSlash`), so each platform seam turns them into the
 * platform's own 404, the same answer as on the WebSocket side, which matches
 * the path exactly.
 */
export type EndpointMatch = 'exact' | 'variant' | 'other';

export function matchEndpoint(url: string | undefined, path: string): EndpointMatch {
  const actual = requestPath(url);
  if (actual === path) return 'exact';
  let end = actual.length;
  while (end > 1 && actual.charCodeAt(end - 1) === 0x2f) end--;
  return actual.slice(0, end).toLowerCase() === path.toLowerCase() ? 'variant' : 'other';
}
