import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { JsonRpcModule, JsonRpcServer, RedisPubSub } from '../../lib/index.js';
import { ConnectionRpc, TicksRpc } from '../fixtures/push.rpc.js';
import { RedisServer, redisServerAvailable } from '../support/redis-server.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { TestWsClient } from '../support/ws-client.js';

const run = redisServerAvailable() ? describe : describe.skip;

type Frame = { id?: unknown; method?: string; params?: { n?: number; text?: string }; result?: unknown };

run('two app instances sharing a real redis-server', () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  let nodeA: TestServer;
  let nodeB: TestServer;
  let nextId = 1;

  async function startNode(): Promise<TestServer> {
    const client = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1 });
    clients.push(client);
    @Module({
      imports: [JsonRpcModule.forRootAsync({ useFactory: () => ({ pubsub: new RedisPubSub({ client, prefix: 'test:' }) }) })],
      providers: [TicksRpc, ConnectionRpc],
    })
    class NodeModule {}
    return startApp(NodeModule);
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
    nodeA = await startNode();
    nodeB = await startNode();
  }, 30_000);

  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  async function joined(node: TestServer, topic: string): Promise<TestWsClient> {
    const ws = await TestWsClient.connect(node.wsUrl);
    await ws.request({ jsonrpc: '2.0', method: 'conn.join', params: [topic], id: nextId++ });
    return ws;
  }

  const isNews = (frame: unknown) => (frame as Frame).method === 'news';
  /** Probes sent while waiting for Redis to come back use n >= 1000. */
  const isCounted = (frame: unknown) => isNews(frame) && (frame as Frame).params!.n! < 1000;

  async function receiveAll(ws: TestWsClient, count: number): Promise<number[]> {
    const got: number[] = [];
    for (let i = 0; i < count; i++) got.push(((await ws.take(isCounted)) as Frame).params!.n!);
    return got;
  }

  it('a client on node A receives every message published on node B, exactly once, in order', async () => {
    const onA = await joined(nodeA, 'news');
    const onB = await joined(nodeB, 'news');
    const publisher = nodeB.app.get(JsonRpcServer);
    const sequence = Array.from({ length: 200 }, (_, i) => i + 1);
    for (const n of sequence) await publisher.publish('news', 'news', { n });
    expect(await receiveAll(onA, 200)).toEqual(sequence);
    expect(await receiveAll(onB, 200)).toEqual(sequence);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onA.pending.filter(isNews)).toEqual([]); // no duplicates
    expect(onB.pending.filter(isNews)).toEqual([]);
    await Promise.all([onA.close(), onB.close()]);
  });

  it('after a Redis restart, delivery resumes without restarting the apps; publishing while down fails loudly', async () => {
    const onA = await joined(nodeA, 'alerts');
    const publisher = nodeB.app.get(JsonRpcServer);
    await publisher.publish('alerts', 'news', { n: 0 });
    expect(await receiveAll(onA, 1)).toEqual([0]);

    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(publisher.publish('alerts', 'news', { n: -1 })).rejects.toThrow(/Redis is not connected/);

    await redis.restart();
    // Wait (bounded) until both the publisher and A's subscriber are back: probes until one arrives.
    const deadline = Date.now() + 15_000;
    let probe = 1000;
    for (;;) {
      await publisher.publish('alerts', 'news', { n: probe }).catch(() => undefined);
      const arrived = await onA.take((f) => isNews(f) && (f as Frame).params!.n === probe, 250).then(() => true, () => false);
      if (arrived) break;
      if (Date.now() > deadline) throw new Error('delivery did not resume after the Redis restart');
      probe++;
    }

    const sequence = Array.from({ length: 50 }, (_, i) => i + 1);
    for (const n of sequence) await publisher.publish('alerts', 'news', { n });
    expect(await receiveAll(onA, 50)).toEqual(sequence);
    await onA.close();
  }, 30_000);

  it('works with lazyConnect clients: the first join and the first publish connect them', async () => {
    const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    clients.push(client);
    @Module({
      imports: [JsonRpcModule.forRootAsync({ useFactory: () => ({ pubsub: new RedisPubSub({ client, prefix: 'test:' }) }) })],
      providers: [TicksRpc, ConnectionRpc],
    })
    class LazyModule {}
    const lazy = await startApp(LazyModule);
    try {
      const ws = await joined(lazy, 'lazy');
      const deadline = Date.now() + 10_000;
      for (let probe = 1000; ; probe++) {
        await lazy.app.get(JsonRpcServer).publish('lazy', 'news', { n: probe }).catch(() => undefined);
        if (await ws.take((f) => isNews(f) && (f as Frame).params!.n === probe, 200).then(() => true, () => false)) break;
        if (Date.now() > deadline) throw new Error('a lazyConnect client never delivered');
      }
      await ws.close();
    } finally {
      await lazy.close();
    }
  });
});
