import { ConnectionRefusedError, JsonRpcTransportError } from './client.errors.js';
import type { JsonRpcClientOptions, JsonRpcCredentials } from './client-options.interface.js';

/** The bearer token of `auth()`'s answer (tickets are for WebSocket upgrades only). */
function tokenOf(credentials: JsonRpcCredentials | undefined): string | undefined {
  return typeof credentials === 'string' ? credentials : credentials?.token;
}

/**
 * JSON-RPC over HTTP POST (fetch): one message per request, the answer in the
 * response body. `auth()` is asked per request, so a refreshed token is used
 * at once (cache in `auth` if it is expensive).
 */
export class HttpLink {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: JsonRpcClientOptions) {
    const impl = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
    if (impl === undefined) throw new TypeError('No fetch implementation: pass { fetch }');
    // Browsers throw "Illegal invocation" when fetch is called as a method of another object.
    this.fetchImpl = (input, init) => impl(input, init);
  }

  /** The response body (undefined for 204), or a transport error. */
  async post(text: string, signal: AbortSignal | undefined): Promise<string | undefined> {
    const token = tokenOf(await this.options.auth?.());
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    let response: Response;
    try {
      response = await this.fetchImpl(this.options.url, { method: 'POST', headers, body: text, signal });
    } catch (error) {
      if (signal?.aborted) throw error; // the caller's abort or timeout already settled the call
      throw new JsonRpcTransportError(`HTTP request failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status === 204) return undefined;
    const body = await response.text();
    // Errors the server reports as JSON-RPC (503 while draining, auth refused) keep their body.
    if (response.headers.get('content-type')?.includes('json')) return body;
    throw new ConnectionRefusedError(response.status, `HTTP ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}`);
  }
}
