import { postRaw } from './http-client.js';
import type { TestServer } from './start-app.js';
import { TestWsClient } from './ws-client.js';

/** Sends one raw frame/body and returns the parsed answer, or undefined when none was sent. */
export interface RpcDriver {
  readonly name: 'http' | 'ws';
  send(raw: string, headers?: Record<string, string>): Promise<unknown>;
  call(method: string, params?: unknown, headers?: Record<string, string>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

let nextId = 1;

function driver(name: RpcDriver['name'], send: RpcDriver['send'], close: () => Promise<void>): RpcDriver {
  return {
    name,
    send,
    close,
    async call(method, params, headers) {
      const request: Record<string, unknown> = { jsonrpc: '2.0', method, id: nextId++ };
      if (params !== undefined) request['params'] = params;
      return (await send(JSON.stringify(request), headers)) as Record<string, unknown>;
    },
  };
}

export function httpDriver(server: TestServer): RpcDriver {
  return driver(
    'http',
    async (raw, headers) => {
      const reply = await postRaw(server.httpUrl, raw, headers);
      if (reply.status === 204) return undefined;
      if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${reply.text}`);
      return reply.json;
    },
    async () => undefined,
  );
}

/**
 * One shared socket; calls that need upgrade headers get a socket of their own.
 * `send` answers with what arrived before a probe's answer (for raw frames and
 * notifications); `call` waits for its own id, so slow handlers are fine.
 */
export async function wsDriver(server: TestServer, sharedHeaders?: Record<string, string>): Promise<RpcDriver> {
  const shared = await TestWsClient.connect(server.wsUrl, sharedHeaders && { headers: sharedHeaders });
  const ws = driver(
    'ws',
    async (raw, headers) => {
      if (!headers) return shared.exchange(raw);
      const own = await TestWsClient.connect(server.wsUrl, { headers });
      try {
        return await own.exchange(raw);
      } finally {
        await own.close();
      }
    },
    async () => void (await shared.close()),
  );
  return {
    ...ws,
    async call(method, params, headers) {
      if (headers) return ws.call(method, params, headers);
      const request: { id: number } & Record<string, unknown> = { jsonrpc: '2.0', method, id: nextId++ };
      if (params !== undefined) request['params'] = params;
      return (await shared.request(request)) as Record<string, unknown>;
    },
  };
}
