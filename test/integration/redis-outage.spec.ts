import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { JsonRpcModule, JsonRpcServer, RedisPubSub } from '../../lib/index.js';
import { ConnectionRpc, TicksRpc } from '../fixtures/push.rpc.js';
import { RedisServer, redisServerAvailable } from '../support/redis-server.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { TestWsClient } from '../support/ws-client.js';

const run = redisServerAvailable() ? describe : describe.skip;

type Frame = { method?: string; params?: { n?: number; from?: string } };

/**
 * Short retry windows, so an outage of a few seconds is longer than all of them:
 * a command waiting in ioredis's offline queue fails after one retry, and the
 * subscriber's ioredis gives up after ~0.5 s (its retryStrategy returns null);
 * from then on only the adapter's own reconnect (every 300 ms) brings it back.
 */
const GIVE_UP_AFTER = 4;
const subscriberOptions = { retryStrategy: (times: number) => (times > GIVE_UP_AFTER ? null : 100) };

run('a Redis outage longer than the retry window, then recovery', () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  const nodes: TestServer[] = [];
  const ended: string[] = [];

  async function startNode(name: string): Promise<TestServer> {
    // The publisher keeps retrying (ioredis's default never gives up); its commands fail fast.
    const client = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    client.on('error', () => undefined);
    clients.push(client);
    const pubsub = new RedisPubSub({ client, prefix: 'outage:', subscriberOptions, reconnectMs: 300 });
    // Proof that the subscriber really went past ioredis's own retries.
    (pubsub as unknown as { subscriber: Redis }).subscriber.on('end', () => ended.push(name));
    @Module({ imports: [JsonRpcModule.forRootAsync({ useFactory: () => ({ pubsub }) })], providers: [TicksRpc, ConnectionRpc] })
    class NodeModule {}
    const node = await startApp(NodeModule);
    nodes.push(node);
    return node;
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    for (const node of nodes) await node.close();
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  async function join(node: TestServer, topic: string): Promise<TestWsClient> {
    const ws = await TestWsClient.connect(node.wsUrl);
    await ws.request({ jsonrpc: '2.0', method: 'conn.join', params: [topic], id: 'join' });
    return ws;
  }

  /** Publishes probes from `node` until `ws` receives one (bounded): delivery has resumed on that path. */
  async function untilDelivered(node: TestServer, topic: string, ws: TestWsClient): Promise<void> {
    const publisher = node.app.get(JsonRpcServer);
    const deadline = Date.now() + 20_000;
    for (let probe = 1000; ; probe++) {
      await publisher.publish(topic, 'news', { n: probe }).catch(() => undefined);
      const arrived = await ws.take((f) => (f as Frame).params?.n === probe, 200).then(() => true, () => false);
      if (arrived) return;
      if (Date.now() > deadline) throw new Error(`delivery on "${topic}" did not resume`);
    }
  }

  it('every joined connection, old and new, on every node receives again', async () => {
    const nodeA = await startNode('A');
    const nodeB = await startNode('B');
    const nodeC = await startNode('C');
    const onA = await join(nodeA, 'prices');
    const onB = await join(nodeB, 'prices');
    await untilDelivered(nodeB, 'prices', onA);

    await redis.stop();
    // Wait until every node's subscriber went past ioredis's retries (ended) at least once.
    const deadline = Date.now() + 20_000;
    while (new Set(ended).size < 3) {
      if (Date.now() > deadline) throw new Error('the subscribers never gave up');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await expect(nodeA.app.get(JsonRpcServer).publish('prices', 'news', { n: -1 })).rejects.toThrow(/not connected/);
    // Joins while Redis is down: a topic new to node C, and a connection that left and came back on B.
    const onC = await join(nodeC, 'alerts');
    const alsoOnC = await join(nodeC, 'prices');
    await onB.close();
    const backOnB = await join(nodeB, 'prices');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // well past the command retry window too

    await redis.restart();
    await untilDelivered(nodeA, 'prices', onA);
    await untilDelivered(nodeA, 'prices', backOnB);
    await untilDelivered(nodeA, 'prices', alsoOnC);
    await untilDelivered(nodeB, 'alerts', onC);

    // Then every message reaches every member exactly once, whichever node published it.
    const members = [onA, backOnB, alsoOnC];
    // Probes (n >= 1000) may still be arriving: only the numbered messages count.
    const numbered = (f: unknown) => (f as Frame).method === 'news' && (f as Frame).params!.n! < 1000;
    const publishers = [nodeA, nodeB, nodeC].map((node) => node.app.get(JsonRpcServer));
    for (let n = 1; n <= 30; n++) await publishers[n % 3]!.publish('prices', 'news', { n });
    for (const ws of members) {
      const got: number[] = [];
      while (got.length < 30) got.push(((await ws.take(numbered)) as Frame).params!.n!);
      expect(got).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const ws of members) expect(ws.pending.filter(numbered)).toEqual([]); // no duplicates
    await publishers[0]!.publish('alerts', 'news', { n: 99 });
    expect(await onC.take(numbered)).toMatchObject({ params: { n: 99 } });
    // A connection that arrives after the recovery is served like any other.
    const late = await join(nodeB, 'prices');
    await publishers[2]!.publish('prices', 'news', { n: 100 });
    expect(await late.take(numbered)).toMatchObject({ params: { n: 100 } });
    await Promise.all([...members, onC, late].map((ws) => ws.close()));
  }, 60_000);
});
