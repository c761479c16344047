import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createOrderDesk } from '../../sample-app/bootstrap.js';
import { postRaw } from '../support/http-client.js';
import { TestWsClient } from '../support/ws-client.js';

let app: INestApplication;
let base: string;
let nextId = 1;

beforeAll(async () => {
  app = await createOrderDesk({ dbFile: ':memory:', fillAfterMs: 400 }, false);
  await app.listen(0, '127.0.0.1');
  base = `127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});
afterAll(() => app.close());

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function http(token: string | undefined, method: string, params?: unknown): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const reply = await postRaw(`http://${base}/rpc`, JSON.stringify({ jsonrpc: '2.0', method, params, id: nextId++ }), headers);
  return reply.json as Record<string, unknown>;
}

describe('sample app: order desk', () => {
  it('refuses calls without a valid token: -32001 over HTTP, 401 on the upgrade', async () => {
    expect(await http('alice-token', 'order.ping')).toMatchObject({ result: 'pong' });
    expect(await http(undefined, 'order.ping')).toMatchObject({ error: { code: -32001 } });
    expect(await http('forged', 'order.list')).toMatchObject({ error: { code: -32001 } });
    await expect(TestWsClient.connect(`ws://${base}/rpc`)).rejects.toThrow('401');
  });

  it('opens a browser-style WebSocket with a ticket fetched over HTTP', async () => {
    const ticket = (await http('bob-token', 'order.ticket'))['result'] as string;
    const ws = await TestWsClient.connect(`ws://${base}/rpc?ticket=${ticket}`);
    expect(await ws.request({ jsonrpc: '2.0', method: 'order.list', id: 1 })).toMatchObject({ result: expect.any(Array) });
    await ws.close();
  });

  it('serves Prometheus metrics at /metrics', async () => {
    await http('alice-token', 'order.ping');
    const text = await (await fetch(`http://${base}/metrics`)).text();
    expect(text).toMatch(/jsonrpc_calls_total\{method="order.ping",transport="http",code="0"\} \d+/);
  });

  it('submits over WebSocket (token in the upgrade header) and reads back over HTTP', async () => {
    const ws = await TestWsClient.connect(`ws://${base}/rpc`, auth('alice-token'));
    const submitted = (await ws.request({ jsonrpc: '2.0', method: 'order.submit', params: { symbol: 'ACME', side: 'buy', qty: 10, price: 12.5 }, id: 'a' })) as {
      result: { id: number; owner: string; status: string };
    };
    expect(submitted.result).toMatchObject({ owner: 'alice', status: 'open', symbol: 'ACME' });
    await ws.close();
    const id = submitted.result.id;
    expect(await http('alice-token', 'order.getStatus', { id })).toMatchObject({ result: { id, status: 'open' } });
    expect(await http('alice-token', 'order.getStatus', [id])).toMatchObject({ result: { id, status: 'open' } });
    expect(await http('alice-token', 'order.list')).toMatchObject({ result: [expect.objectContaining({ id })] });
  });

  it('validates params (-32602) and accepts by-position submit', async () => {
    const bad = await http('bob-token', 'order.submit', { symbol: 'acme', side: 'hold', qty: 0, price: -1, extra: 1 });
    expect(bad).toMatchObject({ error: { code: -32602, message: 'Invalid params' } });
    expect((bad['error'] as { data: string[] }).data).toEqual(
      expect.arrayContaining(['symbol must be 1 to 10 capital letters', 'property extra should not exist', 'qty must not be less than 1']),
    );
    expect(await http('bob-token', 'order.submit', ['XYZ', 'sell', 5, 3])).toMatchObject({ result: { owner: 'bob', symbol: 'XYZ', side: 'sell' } });
  });

  it("hides other users' orders and refuses to cancel twice", async () => {
    const order = (await http('bob-token', 'order.submit', { symbol: 'BOB', side: 'buy', qty: 1, price: 1 }))['result'] as { id: number };
    expect(await http('alice-token', 'order.cancel', { id: order.id })).toMatchObject({ error: { code: -32004, message: `Order ${order.id} not found` } });
    expect(await http('bob-token', 'order.cancel', { id: order.id })).toMatchObject({ result: { status: 'cancelled' } });
    expect(await http('bob-token', 'order.cancel', { id: order.id })).toMatchObject({ error: { code: -32009 } });
  });

  it('order.watch pushes status changes as the fulfilment process fills orders; a second client sees the desk broadcast', async () => {
    const alice = await TestWsClient.connect(`ws://${base}/rpc`, auth('alice-token'));
    const bob = await TestWsClient.connect(`ws://${base}/rpc`, auth('bob-token'));
    const watch = (await alice.request({ jsonrpc: '2.0', method: 'order.watch', id: 'w' })) as { result: string };
    const order = (await alice.request({ jsonrpc: '2.0', method: 'order.submit', params: { symbol: 'FILL', side: 'sell', qty: 3, price: 9 }, id: 's' })) as {
      result: { id: number };
    };
    // Alice's earlier orders may be filled meanwhile: follow this order's events only.
    const ofWatch = (f: unknown) => {
      const params = (f as { params?: { subscription?: string; result?: { orderId?: number } } }).params;
      return params?.subscription === watch.result && params.result?.orderId === order.result.id;
    };
    const opened = (await alice.take(ofWatch)) as { params: { result: { orderId: number; status: string }; eventId: number } };
    expect(opened.params.result).toMatchObject({ orderId: order.result.id, status: 'open' });
    const filled = (await alice.take(ofWatch)) as { params: { result: { orderId: number; status: string }; eventId: number } };
    expect(filled.params.result).toMatchObject({ orderId: order.result.id, status: 'filled' });
    expect(filled.params.eventId).toBeGreaterThan(opened.params.eventId);
    // Bob watches nothing of Alice's, but the desk topic tells him of the fill.
    expect(await bob.take((f) => (f as { method?: string; params?: { symbol?: string } }).params?.symbol === 'FILL')).toEqual({
      jsonrpc: '2.0',
      method: 'desk.fill',
      params: { orderId: order.result.id, owner: 'alice', symbol: 'FILL', side: 'sell', qty: 3, price: 9 },
    });
    await Promise.all([alice.close(), bob.close()]);
  });

  it('order.watch resumes from SQLite with lastEventId', async () => {
    const first = await TestWsClient.connect(`ws://${base}/rpc`, auth('bob-token'));
    const watch = (await first.request({ jsonrpc: '2.0', method: 'order.watch', id: 'w1' })) as { result: string };
    await first.request({ jsonrpc: '2.0', method: 'order.submit', params: ['RES', 'buy', 1, 1], id: 's1' });
    const seen = (await first.take((f) => (f as { params?: { subscription?: string } }).params?.subscription === watch.result)) as { params: { eventId: number } };
    await first.close();
    // While disconnected: two more orders, and the fulfilment fills them all.
    await http('bob-token', 'order.submit', ['RES', 'buy', 2, 1]);
    await http('bob-token', 'order.submit', ['RES', 'buy', 3, 1]);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const again = await TestWsClient.connect(`ws://${base}/rpc`, auth('bob-token'));
    const resumed = (await again.request({ jsonrpc: '2.0', method: 'order.watch', params: { lastEventId: seen.params.eventId }, id: 'w2' })) as { result: string };
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      const frame = (await again.take((f) => (f as { params?: { subscription?: string } }).params?.subscription === resumed.result)) as {
        params: { result: { status: string } };
      };
      statuses.push(frame.params.result.status);
    }
    // Missed: the first order's fill, then open + fill of each of the other two.
    expect(statuses.sort()).toEqual(['filled', 'filled', 'filled', 'open', 'open']);
    await again.close();
  });

  it('order.all is admin-only, guarded per method', async () => {
    expect(await http('alice-token', 'order.all')).toMatchObject({ error: { code: -32003 } });
    const all = (await http('admin-token', 'order.all'))['result'] as Array<{ owner: string }>;
    expect(new Set(all.map((o) => o.owner))).toEqual(new Set(['alice', 'bob']));
  });
});
