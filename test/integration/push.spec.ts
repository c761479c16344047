import { Module, ValidationPipe } from '@nestjs/common';
import { JsonRpcModule, JsonRpcServer } from '../../lib/index.js';
import { ConnectionRegistry } from '../../lib/push/connection.registry.js';
import { TopicRegistry } from '../../lib/push/topic.registry.js';
import { ConnectionRpc, PresenceTracker, pushStats, TicksRpc } from '../fixtures/push.rpc.js';
import { postRaw } from '../support/http-client.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { eventually } from '../support/eventually.js';
import { TestWsClient } from '../support/ws-client.js';

@Module({
  imports: [JsonRpcModule.forRoot({ limits: { maxSubscriptionsPerConnection: 1000, ratePerSecond: 100_000, rateBurst: 100_000 } })],
  providers: [TicksRpc, ConnectionRpc, PresenceTracker],
})
class PushModule {}

let server: TestServer;
let client: TestWsClient;
let nextId = 1;

beforeAll(async () => {
  server = await startApp(PushModule, (app) => app.useGlobalPipes(new ValidationPipe()));
});
afterAll(() => server.close());
beforeEach(async () => {
  client = await TestWsClient.connect(server.wsUrl);
});
afterEach(() => client.close());

type Frame = { id?: unknown; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { code: number } };

async function call(ws: TestWsClient, method: string, params?: unknown): Promise<Frame> {
  return (await ws.request({ jsonrpc: '2.0', method, params, id: nextId++ })) as Frame;
}

async function subscribe(ws: TestWsClient, method: string, params?: unknown): Promise<string> {
  const reply = await call(ws, method, params);
  expect(typeof reply.result).toBe('string');
  return reply.result as string;
}

const notificationOf = (subscription: string) => (frame: unknown) => (frame as Frame).params?.['subscription'] === subscription;


describe('subscriptions', () => {
  it('pushes values in order after the id, and nothing after rpc.unsubscribe', async () => {
    const teardowns = pushStats.teardowns;
    const id = await subscribe(client, 'ticks.count');
    const values: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const frame = (await client.take(notificationOf(id))) as Frame;
      expect(frame).toEqual({ jsonrpc: '2.0', method: 'ticks.count', params: { subscription: id, result: i + 1 } });
      values.push(frame.params!['result']);
    }
    expect(values).toEqual([1, 2, 3]);
    expect(await call(client, 'rpc.unsubscribe', [id])).toMatchObject({ result: true });
    expect(pushStats.teardowns).toBe(teardowns + 1);
    (client.pending as unknown[]).splice(0); // values already in flight before the unsubscribe
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(client.pending.filter(notificationOf(id))).toEqual([]);
    expect(await call(client, 'rpc.unsubscribe', { subscription: id })).toMatchObject({ result: false });
  });

  it('sends completion and error notifications (errors mapped, no details leaked)', async () => {
    const finite = await subscribe(client, 'ticks.finite', [2]);
    expect((await client.take(notificationOf(finite))) as Frame).toMatchObject({ params: { result: 1 } });
    expect((await client.take(notificationOf(finite))) as Frame).toMatchObject({ params: { result: 2 } });
    expect((await client.take(notificationOf(finite))) as Frame).toEqual({ jsonrpc: '2.0', method: 'ticks.finite', params: { subscription: finite, complete: true } });

    const failing = await subscribe(client, 'ticks.failing');
    expect((await client.take(notificationOf(failing))) as Frame).toMatchObject({ params: { result: 1 } });
    const error = (await client.take(notificationOf(failing))) as Frame;
    expect(error.params).toEqual({ subscription: failing, error: { code: -32603, message: 'Internal error' } });
  });

  it('streams an AsyncIterable and calls return() on unsubscribe', async () => {
    const returns = pushStats.iteratorReturns;
    const id = await subscribe(client, 'ticks.generated');
    expect((await client.take(notificationOf(id))) as Frame).toMatchObject({ params: { result: 'a' } });
    expect((await client.take(notificationOf(id))) as Frame).toMatchObject({ params: { result: 'b' } });
    expect(await call(client, 'rpc.unsubscribe', [id])).toMatchObject({ result: true });
    await eventually(() => pushStats.iteratorReturns === returns + 1, 15_000);
  }, 20_000);

  it('runs guards and pipes on the subscribe call', async () => {
    expect(await call(client, 'ticks.denied')).toMatchObject({ error: { code: -32003 } });
    expect(await call(client, 'ticks.validated', { x: 'a', y: 1 })).toMatchObject({ error: { code: -32602, data: ['x must be an integer number'] } });
    const id = await subscribe(client, 'ticks.validated', { x: 2, y: 3 });
    expect((await client.take(notificationOf(id))) as Frame).toMatchObject({ params: { result: 5 } });
  });

  it('a handler that returns no stream is an Internal error', async () => {
    expect(await call(client, 'ticks.notAStream')).toMatchObject({ error: { code: -32603 } });
  });

  it('over HTTP a subscription is -32601 with the reason', async () => {
    const reply = await postRaw(server.httpUrl, JSON.stringify({ jsonrpc: '2.0', method: 'ticks.count', id: 1 }));
    expect(reply.json).toMatchObject({ error: { code: -32601, data: { reason: expect.stringContaining('WebSocket') } } });
  });

  it('enforces the per-connection subscription limit', async () => {
    const ids = await Promise.all(Array.from({ length: 1000 }, () => subscribe(client, 'ticks.idle')));
    expect(new Set(ids).size).toBe(1000);
    expect(await call(client, 'ticks.idle')).toMatchObject({ error: { code: -32029, data: { limit: 'maxSubscriptionsPerConnection', max: 1000 } } });
    expect(await call(client, 'rpc.unsubscribe', [ids[0]])).toMatchObject({ result: true });
    expect(typeof (await call(client, 'ticks.idle')).result).toBe('string');
  });

  it('a disconnect with 1,000 live subscriptions tears every one down', async () => {
    const registry = server.app.get(ConnectionRegistry);
    const teardowns = pushStats.teardowns;
    const own = await TestWsClient.connect(server.wsUrl);
    await Promise.all(Array.from({ length: 1000 }, () => subscribe(own, 'ticks.idle')));
    expect(registry.get((await call(own, 'conn.whoami')).result as string)!.subscriptionCount).toBe(1000);
    await own.close();
    await eventually(() => pushStats.teardowns === teardowns + 1000);
  });

  it('5,000 connect/subscribe/disconnect cycles leave the registries as they were', async () => {
    const registry = server.app.get(ConnectionRegistry);
    const topics = server.app.get(TopicRegistry);
    const before = { connections: registry.size - 1, topics: topics.topicCount, teardowns: pushStats.teardowns };
    for (let round = 0; round < 100; round++) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const ws = await TestWsClient.connect(server.wsUrl);
          await subscribe(ws, 'ticks.idle');
          await call(ws, 'conn.join', [`room-${i}`]);
          await ws.close();
        }),
      );
    }
    await eventually(() => registry.size - 1 === before.connections && topics.topicCount === before.topics);
    await eventually(() => pushStats.teardowns === before.teardowns + 5000);
  }, 120_000);

  it('resumes: events missed while disconnected arrive exactly once, in order', async () => {
    const first = await TestWsClient.connect(server.wsUrl);
    const id = await subscribe(first, 'ticks.feed');
    const base = ((await call(client, 'ticks.emit', ['e1'])).result as number) - 1;
    for (const n of [2, 3, 4, 5]) await call(client, 'ticks.emit', [`e${n}`]);
    const seen: Frame[] = [];
    for (let i = 0; i < 5; i++) seen.push((await first.take(notificationOf(id))) as Frame);
    expect(seen.map((f) => f.params!['eventId'])).toEqual([1, 2, 3, 4, 5].map((n) => base + n));
    const lastEventId = seen[4]!.params!['eventId'];
    await first.close();

    for (const n of [6, 7, 8]) await call(client, 'ticks.emit', [`e${n}`]);

    const again = await TestWsClient.connect(server.wsUrl);
    const resumed = await subscribe(again, 'ticks.feed', { lastEventId });
    const replayed: Frame[] = [];
    for (let i = 0; i < 3; i++) replayed.push((await again.take(notificationOf(resumed))) as Frame);
    expect(replayed.map((f) => [f.params!['eventId'], f.params!['result']])).toEqual([
      [base + 6, 'e6'],
      [base + 7, 'e7'],
      [base + 8, 'e8'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(again.pending.filter(notificationOf(resumed))).toEqual([]);
    await again.close();
  });
});

describe('connections, topics and notify', () => {
  it('publish reaches every connection that joined the topic, and only those', async () => {
    const other = await TestWsClient.connect(server.wsUrl);
    const outsider = await TestWsClient.connect(server.wsUrl);
    expect(await call(client, 'conn.join', ['lobby'])).toMatchObject({ result: ['lobby'] });
    await call(other, 'conn.join', ['lobby']);
    await call(outsider, 'conn.join', ['elsewhere']);
    await call(outsider, 'conn.shout', ['lobby', 'hello']);
    const isChat = (f: unknown) => (f as Frame).method === 'chat.message';
    expect(await client.take(isChat)).toEqual({ jsonrpc: '2.0', method: 'chat.message', params: { text: 'hello' } });
    expect(await other.take(isChat)).toEqual({ jsonrpc: '2.0', method: 'chat.message', params: { text: 'hello' } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(outsider.pending.filter(isChat)).toEqual([]);

    await call(other, 'conn.leave', ['lobby']);
    await server.app.get(JsonRpcServer).publish('lobby', 'chat.message', { text: 'again' });
    expect(await client.take(isChat)).toMatchObject({ params: { text: 'again' } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(other.pending.filter(isChat)).toEqual([]);
    await Promise.all([other.close(), outsider.close()]);
  });

  it('JsonRpcServer.notify reaches one connection; connections() lists it', async () => {
    const rpcServer = server.app.get(JsonRpcServer);
    const id = (await call(client, 'conn.whoami')).result as string;
    expect(rpcServer.connections().map((c) => c.id)).toContain(id);
    expect(rpcServer.notify(id, 'alert', { level: 'high' })).toBe(true);
    expect(await client.take((f) => (f as Frame).method === 'alert')).toEqual({ jsonrpc: '2.0', method: 'alert', params: { level: 'high' } });
    expect(rpcServer.notify('no-such-connection', 'alert')).toBe(false);
  });

  it('JsonRpcServer.connection(id) finds a live connection, and nothing once it closed', async () => {
    const rpcServer = server.app.get(JsonRpcServer);
    const other = await TestWsClient.connect(server.wsUrl);
    const id = (await call(other, 'conn.whoami')).result as string;
    const found = rpcServer.connection(id);
    expect(found?.id).toBe(id);
    expect(found?.notify('direct', [1])).toBe(true);
    expect(await other.take((f) => (f as Frame).method === 'direct')).toEqual({ jsonrpc: '2.0', method: 'direct', params: [1] });
    await other.close();
    await eventually(() => rpcServer.connection(id) === undefined);
    expect(rpcServer.connection('no-such-connection')).toBeUndefined();
  });

  it('calls onRpcConnect / onRpcDisconnect', async () => {
    const tracker = server.app.get(PresenceTracker);
    const ws = await TestWsClient.connect(server.wsUrl);
    const id = (await call(ws, 'conn.whoami')).result as string;
    expect(tracker.events).toContain(`connect:${id}`);
    await ws.close();
    await eventually(() => tracker.events.includes(`disconnect:${id}:1005`));
  });

  it('a disconnect aborts ctx.signal of the calls still running', async () => {
    const aborted = pushStats.aborted;
    const ws = await TestWsClient.connect(server.wsUrl);
    ws.send({ jsonrpc: '2.0', method: 'conn.waitForever', id: 'w' });
    await call(ws, 'conn.whoami'); // the first call is running by now
    await ws.close();
    await eventually(() => pushStats.aborted === aborted + 1);
  });
});

describe('server -> client requests', () => {
  it('resolves with the answer of a real ws client, matched by id', async () => {
    client.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame & { params: number[] };
      if (frame.method === 'client.add') client.send({ jsonrpc: '2.0', result: frame.params[0]! + frame.params[1]!, id: frame.id });
    });
    expect(await call(client, 'conn.askClient', [2, 40, 2000])).toMatchObject({ result: 42 });
  });

  it('rejects with the client error', async () => {
    client.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.method === 'client.add') client.send({ jsonrpc: '2.0', error: { code: -32050, message: 'nope' }, id: frame.id });
    });
    expect(await call(client, 'conn.askClient', [1, 1, 2000])).toMatchObject({ error: { code: -32050, message: 'nope' } });
  });

  it('rejects on timeout (a client that never answers)', async () => {
    const reply = await call(client, 'conn.askClient', [1, 1, 100]);
    expect(reply).toMatchObject({ error: { code: -32603 } });
  });

  it('rejects on disconnect', async () => {
    const ws = await TestWsClient.connect(server.wsUrl);
    const aborted = new Promise<Frame>((resolve) => {
      ws.socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Frame;
        if (frame.method === 'client.add') resolve(frame);
      });
    });
    ws.send({ jsonrpc: '2.0', method: 'conn.askClient', params: [1, 2, 10_000], id: 'ask' });
    const request = await aborted;
    expect(request).toMatchObject({ method: 'client.add', params: [1, 2], id: expect.stringMatching(/^srv-/) });
    await ws.close();
    // The pending request is gone with the connection; nothing waits for 10 s.
    const registry = server.app.get(ConnectionRegistry);
    await eventually(() => registry.all().every((c) => c.socket.readyState === 1));
  });

  it('a client response with an unknown id is ignored, and is not mistaken for a request', async () => {
    client.send({ jsonrpc: '2.0', result: 1, id: 'srv-999999' });
    client.send({ jsonrpc: '2.0', result: 1, id: 77 });
    expect(await call(client, 'conn.whoami')).toMatchObject({ result: expect.any(String) });
    expect(client.pending).toEqual([]);
  });
});
