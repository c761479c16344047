import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createOrderDesk } from '../../sample-app/bootstrap.js';
import { JsonRpcMethodRegistry } from '../../lib/json-rpc-method.registry.js';
import { postRaw } from '../support/http-client.js';
import { loadOpenRpcClient, validateOpenRpc } from '../support/open-rpc-tools.js';
import { TestWsClient } from '../support/ws-client.js';

let app: INestApplication;
let base: string;

beforeAll(async () => {
  app = await createOrderDesk({ dbFile: ':memory:', fillAfterMs: 400 }, false);
  await app.listen(0, '127.0.0.1');
  base = `127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});
afterAll(() => app.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function discover(token: string): Promise<Record<string, unknown>> {
  const reply = await postRaw(`http://${base}/rpc`, JSON.stringify({ jsonrpc: '2.0', method: 'rpc.discover', id: 1 }), bearer(token));
  return (reply.json as { result: Record<string, unknown> }).result;
}

describe('discovery: the sample app document', () => {
  it('validates as OpenRPC and names every registered method (admin sees all)', async () => {
    const document = await discover('admin-token');
    expect(await validateOpenRpc(document)).toBe('valid');
    const registered = app.get(JsonRpcMethodRegistry).list().map((method) => method.name).sort();
    expect((document.methods as { name: string }[]).map((method) => method.name).sort()).toEqual(registered);
    // eslint-disable-next-line no-console
    console.log(`sample app document: ${JSON.stringify(document).length} bytes, ${registered.length} methods`);
  });

  it('is the same over WebSocket and at GET /rpc', async () => {
    const http = await discover('alice-token');
    const ws = await TestWsClient.connect(`ws://${base}/rpc`, { headers: bearer('alice-token') });
    const viaWs = (await ws.request({ jsonrpc: '2.0', method: 'rpc.discover', id: 2 })) as { result: unknown };
    await ws.close();
    expect(viaWs.result).toEqual(http);
    const get = await fetch(`http://${base}/rpc`, { headers: bearer('alice-token') });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual(http);
    expect((await fetch(`http://${base}/rpc`)).status).toBe(401);
  });

  it('@open-rpc/client-js reads the document and calls a listed method', async () => {
    const { Client, HTTPTransport, RequestManager } = await loadOpenRpcClient();
    const reader = new Client(new RequestManager([new HTTPTransport(`http://${base}/rpc`, { headers: bearer('alice-token') })]));
    const document = (await reader.request({ method: 'rpc.discover', params: [] })) as { servers: { name: string; url: string }[]; methods: { name: string }[] };
    reader.close();
    const server = document.servers.find((entry) => entry.name === 'http')!;
    expect(document.methods.map((method) => method.name)).toContain('order.getStatus');
    const client = new Client(new RequestManager([new HTTPTransport(server.url, { headers: bearer('alice-token') })]));
    const submitted = (await client.request({ method: 'order.submit', params: ['ACME', 'buy', 3, 9.5] })) as { id: number };
    expect(await client.request({ method: 'order.getStatus', params: { id: submitted.id } })).toEqual({ id: submitted.id, status: 'open' });
    client.close();
  });
});
