// One node of the scale bench, pinned by scale.ts and driven over IPC.
// SCALE_SERVER=lib: this library (heartbeats on; `scale.join` joins topic
// "all", `scale.watch` is a subscription that joins it too). SCALE_SERVER=ws:
// raw `ws` doing the same by hand: a Set of joined sockets, the ping/isAlive
// loop from ws's README, a broadcast loop of the same frame.
// With SCALE_REDIS_PORT (the cluster mode of scale.ts, one of several workers
// on the same port) a publish goes through Redis: the library's RedisPubSub,
// and for raw `ws` an ioredis subscriber on the same channel running the loop.
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Observable } from 'rxjs';
import { Redis } from 'ioredis';
import { WebSocket, WebSocketServer } from 'ws';
import { type JsonRpcConnection, type JsonRpcContext, JsonRpcModule, JsonRpcServer, type OnRpcConnect, type OnRpcDisconnect, RedisPubSub, RpcCtx, RpcMethod, RpcService, RpcSubscription } from '../../lib/index.js';
import { notificationText } from '../../lib/protocol/response.js';
import { nowNs, serve } from './ipc.util.js';
import { DeliveryClock, TimedPubSub } from './timed-pubsub.js';
import { serverStats } from './stats.util.js';
import { startProfile, stopProfile } from './profile.util.js';

const MODE = process.env['SCALE_SERVER'] ?? 'lib';
const PORT = Number(process.env['SCALE_PORT'] ?? 0);
const HEARTBEAT_MS = Number(process.env['SCALE_HEARTBEAT_MS'] ?? 10_000);
const REDIS_PORT = Number(process.env['SCALE_REDIS_PORT'] ?? 0);
/** The channel RedisPubSub uses for topic "all" (its default prefix), so both servers get the same frames. */
const CHANNEL = 'json-rpc:all';
/** When this node finished writing each published frame it got from Redis. */
const clock = new DeliveryClock();
const redis = (): Redis => new Redis({ host: '127.0.0.1', port: REDIS_PORT, maxRetriesPerRequest: 1 });

/** Accepted connections and live subscriptions, with the times the counts moved (for rates). */
const counts = { accepted: 0, firstAcceptNs: '0', lastAcceptNs: '0', subscribed: 0, open: 0 };
function accepted(): void {
  if (counts.accepted++ === 0) counts.firstAcceptNs = nowNs();
  counts.lastAcceptNs = nowNs();
  counts.open++;
}

interface Node {
  port: number;
  publish(n: number): Promise<void>;
}

@RpcService('scale')
class ScaleRpc implements OnRpcConnect, OnRpcDisconnect {
  constructor(private readonly server: JsonRpcServer) {}

  onRpcConnect(): void {
    accepted();
  }

  onRpcDisconnect(): void {
    counts.open--;
  }

  @RpcMethod()
  async join(@RpcCtx() ctx: JsonRpcContext): Promise<boolean> {
    await ctx.connection!.join('all');
    return true;
  }

  /** Joins "all" and stays open; counted while subscribed, so the runner sees the storm end. */
  @RpcSubscription()
  watch(@RpcCtx() ctx: JsonRpcContext): Observable<never> {
    const connection: JsonRpcConnection = ctx.connection!;
    return new Observable<never>(() => {
      void connection.join('all');
      counts.subscribed++;
      return () => void counts.subscribed--;
    });
  }

  publish(n: number): Promise<void> {
    return this.server.publish('all', 'tick', { n });
  }
}

async function libNode(): Promise<Node> {
  const pubsub = REDIS_PORT ? new TimedPubSub(new RedisPubSub({ client: redis() }), clock) : undefined;
  @Module({
    imports: [JsonRpcModule.forRoot({ heartbeat: { intervalMs: HEARTBEAT_MS, timeoutMs: HEARTBEAT_MS }, limits: { maxConnections: 1_000_000 }, ...(pubsub ? { pubsub } : {}) })],
    providers: [ScaleRpc],
  })
  class ScaleModule {}
  const app = await NestFactory.create(ScaleModule, { logger: ['error', 'warn'] });
  await app.listen(PORT, '127.0.0.1');
  const rpc = app.get(ScaleRpc);
  return { port: (app.getHttpServer().address() as AddressInfo).port, publish: (n) => rpc.publish(n) };
}

async function wsNode(): Promise<Node> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/rpc', clientTracking: false, maxPayload: 1 << 20 });
  const all = new Set<WebSocket>();
  const joined = new Set<WebSocket>();
  const alive = new WeakSet<WebSocket>();
  wss.on('connection', (ws) => {
    accepted();
    all.add(ws);
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('message', (data) => {
      const request = JSON.parse(data.toString()) as { id?: number };
      joined.add(ws);
      ws.send(`{"jsonrpc":"2.0","result":true,"id":${JSON.stringify(request.id ?? null)}}`);
    });
    ws.on('error', () => undefined);
    ws.once('close', () => {
      all.delete(ws);
      joined.delete(ws);
      counts.open--;
    });
  });
  // The heartbeat of ws's README, at the library's interval.
  setInterval(() => {
    for (const ws of all) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, HEARTBEAT_MS).unref();
  const broadcast = (frame: string) => {
    const bytes = Buffer.from(frame); // encoded once, as the library does
    for (const ws of joined) ws.send(bytes, { binary: false });
  };
  let publish = async (n: number) => broadcast(notificationText('tick', { n }));
  if (REDIS_PORT) {
    // Cluster mode: every worker gets the frame from Redis and loops over its own sockets.
    const subscriber = redis();
    subscriber.on('message', (_channel: string, frame: string) => clock.timed(() => broadcast(frame)));
    await subscriber.subscribe(CHANNEL);
    const publisher = redis();
    publish = async (n) => void (await publisher.publish(CHANNEL, notificationText('tick', { n })));
  }
  // Listening last: in cluster mode the primary takes 'listening' to mean "ready for commands".
  await new Promise<void>((resolve) => http.listen(PORT, '127.0.0.1', resolve));
  return { port: (http.address() as AddressInfo).port, publish };
}

const node = MODE === 'ws' ? await wsNode() : await libNode();
let waiter: { target: number; resolve: (ns: string) => void } | undefined;
setInterval(() => {
  if (waiter && counts.subscribed >= waiter.target) {
    waiter.resolve(nowNs());
    waiter = undefined;
  }
}, 5).unref();

serve(async (message) => {
  switch (message.cmd) {
    case 'port':
      return { port: node.port };
    case 'stats':
      return { ...(await serverStats(counts.open, message['gc'] !== false)), ...counts };
    case 'publish': {
      const startNs = nowNs();
      const cpuStart = process.cpuUsage();
      await node.publish(Number(message['n']));
      // After the writes deferred to this tick's end (corked sockets) went out too.
      await new Promise((resolve) => setImmediate(resolve));
      const cpu = process.cpuUsage(cpuStart);
      return { startNs, sentNs: nowNs(), cpuUs: cpu.user + cpu.system };
    }
    case 'sent':
      // Cluster mode: when this worker had written its share of publish number `n` (counted from 0), and its CPU.
      return { ...(await clock.written(Number(message['n']), Number(message['timeoutMs'] ?? 30_000))) };
    case 'counts':
      return { ...counts, pid: process.pid };
    case 'profileStart':
      await startProfile();
      return {};
    case 'profileStop':
      return { file: await stopProfile(`${String(message['file'])}-${process.pid}.cpuprofile`) };
    case 'snapshot':
      return { file: (await import('node:v8')).writeHeapSnapshot(String(message['file'])) };
    case 'waitSubscribed':
      return { atNs: await new Promise<string>((resolve) => (waiter = { target: Number(message['target']), resolve })) };
    default:
      throw new Error(`unknown command ${message.cmd}`);
  }
});
