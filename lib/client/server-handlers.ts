import { toErrorObject } from './incoming.js';

/** A server -> client method: its return value (or Promise) is the answer. */
export type RpcHandler = (params: unknown) => unknown;

/**
 * The client's side of server -> client requests (`connection.request()` on
 * the server): the registered handler's result or error goes back with the
 * server's id; an unknown method is -32601, a plain Error -32603 without details.
 */
export class ServerHandlers {
  private readonly handlers = new Map<string, RpcHandler>();

  constructor(private readonly send: (text: string) => void) {}

  add(method: string, handler: RpcHandler): () => void {
    this.handlers.set(method, handler);
    return () => void (this.handlers.get(method) === handler && this.handlers.delete(method));
  }

  answer(id: unknown, method: string, params: unknown): void {
    const handler = this.handlers.get(method);
    const reply = (body: object) => this.send(JSON.stringify({ jsonrpc: '2.0', ...body, id }));
    if (handler === undefined) return reply({ error: { code: -32601, message: 'Method not found' } });
    new Promise((resolve) => resolve(handler(params))).then(
      (result) => reply({ result: result === undefined ? null : result }),
      (error: unknown) => reply({ error: toErrorObject(error) }),
    );
  }
}
