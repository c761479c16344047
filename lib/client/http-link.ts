import { ConnectionRefusedError, JsonRpcTransportError } from './client.errors.js';
import type { JsonRpcClientOptions, JsonRpcCredentials } from './client-options.interface.js';
import { parseIncoming, type Incoming } from './incoming.js';
import type { PendingCall, PendingCalls } from './pending-calls.js';

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
  /** The fetch of each call sent alone, aborted when the call times out or is aborted. */
  private readonly aborts = new Map<number, AbortController>();

  constructor(
    private readonly options: JsonRpcClientOptions,
    private readonly pending: PendingCalls,
    private readonly dispatch: (item: Incoming) => void,
  ) {
    const impl = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
    if (impl === undefined) throw new TypeError('No fetch implementation: pass { fetch }');
    // Browsers throw "Illegal invocation" when fetch is called as a method of another object.
    this.fetchImpl = (input, init) => impl(input, init);
  }

  /** Posts `text` (the calls' request or batch) and settles the calls from the answer. */
  transmit(calls: PendingCall[], text: string): void {
    const controller = new AbortController();
    const alone = calls.length === 1 ? calls[0]!.id : undefined;
    if (alone !== undefined) this.aborts.set(alone, controller);
    this.post(text, controller.signal)
      .then(
        (body) => {
          for (const item of body === undefined ? [] : parseIncoming(body)) {
            // An answer with id null (auth refused, parse error) concerns the whole body.
            if (item.kind === 'response' && item.id === null) for (const call of calls) this.pending.settle(call.id, undefined, item.error);
            else this.dispatch(item);
          }
          const unanswered = new JsonRpcTransportError('The server sent no answer for this call');
          for (const call of calls) this.pending.fail(call.id, unanswered);
        },
        (error: Error) => {
          for (const call of calls) this.pending.fail(call.id, error);
        },
      )
      .finally(() => alone !== undefined && this.aborts.delete(alone));
  }

  /** The call timed out or was aborted: stop waiting for its answer. */
  abort(id: number): void {
    this.aborts.get(id)?.abort();
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
