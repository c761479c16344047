import { WebSocket } from 'ws';
import { JsonRpcClient, type JsonRpcClientOptions, type JsonRpcClientState } from '../../lib/client/index.js';

/** A client over real `ws` (Node 20 has no global WebSocket), closed by `closeAll()`. */
const open: JsonRpcClient[] = [];

export function wsClient(url: string, options: Partial<JsonRpcClientOptions> = {}): JsonRpcClient {
  const client = new JsonRpcClient({ url, WebSocket: WebSocket as unknown as JsonRpcClientOptions['WebSocket'], ...options });
  open.push(client);
  return client;
}

export function httpClient(url: string, options: Partial<JsonRpcClientOptions> = {}): JsonRpcClient {
  const client = new JsonRpcClient({ url, ...options });
  open.push(client);
  return client;
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((client) => client.close()));
}

/** Resolves when the client reaches `state` (at once if it is there). */
export function reach(client: JsonRpcClient, state: JsonRpcClientState, timeoutMs = 10_000): Promise<void> {
  if (client.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`state ${state} not reached (at ${client.state})`))), timeoutMs);
    const off = client.on('state', (now) => {
      if (now !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Every state the client goes through, in order. */
export function recordStates(client: JsonRpcClient): JsonRpcClientState[] {
  const states: JsonRpcClientState[] = [];
  client.on('state', (state) => states.push(state));
  return states;
}
