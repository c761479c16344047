import { JsonRpcException } from '../exceptions/json-rpc.exception.js';
import type { RpcRequestOptions } from '../interfaces/json-rpc-connection.interface.js';
import { requestText } from '../protocol/response.js';
import type { ClientResponse } from '../protocol/validate-request.js';

interface PendingRequest {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Server -> client calls of one connection: ids, the wait for the answer,
 * timeouts. Ids are prefixed ("srv-<n>") so they can never be mistaken for the
 * ids the client chose for its own requests.
 */
export class ClientRequests {
  private readonly pending = new Map<string, PendingRequest>();
  private nextId = 1;

  constructor(private readonly send: (text: string) => boolean) {}

  request<T>(method: string, params: unknown, options: RpcRequestOptions): Promise<T> {
    const id = `srv-${this.nextId++}`;
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`Client did not answer "${method}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.send(requestText(method, params, id));
    });
  }

  /** A response from the client; unknown ids (late, forged) are ignored. */
  receive(response: ClientResponse): void {
    const pending = typeof response.id === 'string' ? this.pending.get(response.id) : undefined;
    if (!pending) return;
    this.pending.delete(response.id as string);
    clearTimeout(pending.timer);
    if (response.error) pending.reject(new JsonRpcException(response.error.code, response.error.message, response.error.data));
    else pending.resolve(response.result);
  }

  /** The connection is gone: nobody will answer. */
  rejectAll(): void {
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new Error('Connection closed before the client answered'));
    }
    this.pending.clear();
  }
}
