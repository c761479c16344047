import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createOrderDesk } from '../../sample-app/bootstrap.js';
import { postRaw } from '../support/http-client.js';
import { TestWsClient } from '../support/ws-client.js';

/**
 * Every method of the sample app, over WebSocket and over HTTP, against a
 * temporary SQLite file; then the app restarted on that file.
 */
let dir: string;
let dbFile: string;
let app: INestApplication | undefined;
let base: string;
let nextId = 1;

async function start(): Promise<void> {
  app = await createOrderDesk({ dbFile, fillAfterMs: 60_000 }, false);
  await app.listen(0, '127.0.0.1');
  base = `127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'order-desk-db-'));
  dbFile = join(dir, 'desk.sqlite');
  await start();
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Call = (method: string, params?: unknown) => Promise<Record<string, unknown>>;

const overHttp =
  (token: string): Call =>
  async (method, params) =>
    (await postRaw(`http://${base}/rpc`, JSON.stringify({ jsonrpc: '2.0', method, params, id: nextId++ }), { authorization: `Bearer ${token}` })).json as Record<string, unknown>;

async function overWs(token: string): Promise<{ call: Call; client: TestWsClient }> {
  const client = await TestWsClient.connect(`ws://${base}/rpc`, { headers: { authorization: `Bearer ${token}` } });
  const call: Call = async (method, params) => (await client.request({ jsonrpc: '2.0', method, params, id: nextId++ })) as Record<string, unknown>;
  return { call, client };
}

describe.each(['ws', 'http'] as const)('sample app methods over %s (SQLite file)', (transport) => {
  let alice: Call;
  let admin: Call;
  const clients: TestWsClient[] = [];

  beforeAll(async () => {
    if (transport === 'http') {
      alice = overHttp('alice-token');
      admin = overHttp('admin-token');
      return;
    }
    const a = await overWs('alice-token');
    const b = await overWs('admin-token');
    clients.push(a.client, b.client);
    alice = a.call;
    admin = b.call;
  });
  afterAll(() => Promise.all(clients.map((client) => client.close())));

  it('order.* and session.me: submit, getStatus, list, cancel (and its rules), all, ping, ticket', async () => {
    expect(await alice('session.me')).toMatchObject({ result: { id: 'alice', roles: ['trader'] } });
    expect(await alice('order.ping')).toMatchObject({ result: 'pong' });
    const order = (await alice('order.submit', { symbol: 'DB', side: 'buy', qty: 2, price: 3.5 }))['result'] as { id: number };
    expect(order).toMatchObject({ owner: 'alice', symbol: 'DB', side: 'buy', qty: 2, price: 3.5, status: 'open' });
    expect(await alice('order.submit', { symbol: 'x' })).toMatchObject({ error: { code: -32602 } });
    expect(await alice('order.getStatus', { id: order.id })).toMatchObject({ result: { id: order.id, status: 'open' } });
    expect(((await alice('order.list', { status: 'open' }))['result'] as Array<{ id: number }>).map((o) => o.id)).toContain(order.id);
    expect(await alice('order.cancel', { id: order.id })).toMatchObject({ result: { id: order.id, status: 'cancelled' } });
    expect(await alice('order.cancel', { id: order.id })).toMatchObject({ error: { code: -32009, message: `Order ${order.id} is cancelled` } });
    expect(await alice('order.cancel', { id: 999_999 })).toMatchObject({ error: { code: -32004 } });
    expect(await alice('order.all')).toMatchObject({ error: { code: -32003 } });
    expect(((await admin('order.all', {}))['result'] as Array<{ owner: string }>).some((o) => o.owner === 'alice')).toBe(true);
    expect(await alice('order.ticket')).toMatchObject({ result: expect.any(String) });
  });

  it('order.watch: a subscription over WebSocket, -32601 with a reason over HTTP', async () => {
    const answer = await alice('order.watch');
    if (transport === 'ws') expect(answer).toMatchObject({ result: expect.any(String) });
    else expect(answer).toMatchObject({ error: { code: -32601, data: { reason: expect.stringContaining('WebSocket') } } });
  });

  it('admin.inspect and admin.disconnect: admin only; logout closes the user\'s sockets with 4004', async () => {
    expect(await alice('admin.inspect')).toMatchObject({ error: { code: -32003 } });
    expect(await alice('admin.disconnect', { user: 'bob' })).toMatchObject({ error: { code: -32003 } });
    const bob = await overWs('bob-token');
    await bob.call('order.ping');
    const seen = (await admin('admin.inspect'))['result'] as { connections: Array<{ principal: string }>; topics: Array<{ topic: string; members: number }> };
    expect(seen.connections.map((c) => c.principal)).toContain('bob');
    expect(seen.topics.find((t) => t.topic === 'desk')!.members).toBeGreaterThanOrEqual(1);
    expect(await admin('admin.disconnect', {})).toMatchObject({ error: { code: -32602 } });
    expect(await admin('admin.disconnect', { user: 'bob' })).toMatchObject({ result: { closed: 1 } });
    expect(await bob.client.closed).toMatchObject({ code: 4004 });
    // Alice is served on.
    expect(await alice('order.ping')).toMatchObject({ result: 'pong' });
  });
});

describe('sample app restarted on the same SQLite file', () => {
  it('keeps the orders and their event ids (a watcher resumes across the restart)', async () => {
    const call = overHttp('bob-token');
    const placed = (await call('order.submit', ['KEEP', 'sell', 4, 2]))['result'] as { id: number };
    const before = (await call('order.list'))['result'];
    await app!.close();
    app = undefined;
    await start();
    expect((await call('order.list'))['result']).toEqual(before);
    expect(await call('order.getStatus', { id: placed.id })).toMatchObject({ result: { id: placed.id, status: 'open' } });
    // The event log survived too: resuming from 0 replays bob's "open" event of that order.
    const { client, call: ws } = await overWs('bob-token');
    const watch = (await ws('order.watch', { lastEventId: 0 }))['result'] as string;
    const replayed = (await client.take((f) => (f as { params?: { subscription?: string; result?: { orderId?: number } } }).params?.result?.orderId === placed.id)) as {
      params: { subscription: string; result: { status: string } };
    };
    expect(replayed.params).toMatchObject({ subscription: watch, result: { status: 'open' } });
    await client.close();
  });
});
