import { Registry } from 'prom-client';
import { WebSocket } from 'ws';
import { JsonRpcCloseCode } from '../../lib/protocol/close-codes.js';
import { ConnectionRegistry } from '../../lib/push/connection.registry.js';
import { guardStats, releaseBlocked } from '../fixtures/protection.rpc.js';
import { postRaw } from '../support/http-client.js';
import { appWith, closeCodes, request, stillServing } from '../support/protected-app.js';
import type { TestServer } from '../support/start-app.js';
import { eventually } from '../support/eventually.js';
import { TestWsClient } from '../support/ws-client.js';

type Frame = { id?: unknown; method?: string; params?: { subscription?: string; result?: { n: number } }; result?: unknown; error?: { code: number; data?: unknown } };

describe('limits, each hit and then the server still serving', () => {
  let server: TestServer;
  afterEach(async () => {
    releaseBlocked();
    await server?.close();
  });

  it('maxBatchSize, maxMethodNameLength, maxParamsDepth: refused over both transports', async () => {
    server = await appWith({ limits: { maxBatchSize: 3, maxMethodNameLength: 16, maxParamsDepth: 4 } });
    const ws = await TestWsClient.connect(server.wsUrl);
    const batch = JSON.stringify([1, 2, 3, 4].map((n) => request('sum', [n], n)));
    const longName = JSON.stringify(request('x'.repeat(17), [], 'n'));
    const deep = '{"jsonrpc":"2.0","method":"limits.echo","params":[[[[[1]]]]],"id":"d"}';
    for (const [raw, expected] of [
      [batch, { error: { code: -32600, data: { reason: 'Batch of 4 exceeds the limit of 3' } }, id: null }],
      [longName, { error: { code: -32600, data: { reason: 'method name longer than 16 characters' } }, id: 'n' }],
      [deep, { error: { code: -32602 }, id: 'd' }],
    ] as const) {
      ws.send(raw);
      expect(await ws.take()).toMatchObject(expected);
      expect((await postRaw(server.httpUrl, raw)).json).toMatchObject(expected);
    }
    await ws.close();
    await stillServing(server);
  });

  it('maxResponseBytes: -32013, the whole batch counted', async () => {
    server = await appWith({ limits: { maxResponseBytes: 64 * 1024 } });
    const ws = await TestWsClient.connect(server.wsUrl);
    expect(await ws.request(request('limits.big', [70_000], 1))).toMatchObject({ error: { code: -32013, data: { maxBytes: 65536 } }, id: 1 });
    expect(await ws.request(request('limits.big', [1000], 2))).toMatchObject({ result: 'x'.repeat(1000) });
    ws.send(JSON.stringify([request('limits.big', [40_000], 'a'), request('limits.big', [40_000], 'b')]));
    expect(await ws.take()).toEqual([
      { jsonrpc: '2.0', error: { code: -32013, message: 'Response too large', data: { maxBytes: 65536 } }, id: 'a' },
      { jsonrpc: '2.0', error: { code: -32013, message: 'Response too large', data: { maxBytes: 65536 } }, id: 'b' },
    ]);
    expect((await postRaw(server.httpUrl, JSON.stringify(request('limits.big', [70_000], 3)))).json).toMatchObject({ error: { code: -32013 } });
    await ws.close();
    await stillServing(server);
  });

  it('maxInFlightPerConnection: stops reading the socket (backpressure), then answers everything', async () => {
    server = await appWith({ limits: { maxInFlightPerConnection: 4 } });
    guardStats.maxRunning = 0;
    const ws = await TestWsClient.connect(server.wsUrl);
    for (let i = 0; i < 20; i++) ws.send(request('limits.block', [], i));
    await eventually(() => guardStats.running === 4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(guardStats.running).toBe(4); // no fifth call was read
    expect(ws.pending).toEqual([]); // ...and none was refused
    const answers: Frame[] = [];
    while (answers.length < 20) {
      releaseBlocked();
      answers.push((await ws.take(() => true, 2000)) as Frame);
    }
    expect(answers.every((a) => typeof a.result === 'number' && (a.result as number) <= 4)).toBe(true);
    expect(guardStats.maxRunning).toBe(4);
    await ws.close();
    await stillServing(server);
  });

  it('maxConnections: the next upgrade gets 503 until one closes', async () => {
    server = await appWith({ limits: { maxConnections: 3 } });
    const open = await Promise.all([1, 2, 3].map(() => TestWsClient.connect(server.wsUrl)));
    await expect(TestWsClient.connect(server.wsUrl)).rejects.toThrow('upgrade refused: 503');
    await open[0]!.close();
    await eventually(() => server.app.get(ConnectionRegistry).size === 2);
    await stillServing(server);
    await Promise.all(open.map((ws) => ws.close()));
  });

  it('rate limit: a token bucket per connection, every batch item counted (-32029)', async () => {
    server = await appWith({ limits: { ratePerSecond: 5, rateBurst: 5 } });
    const ws = await TestWsClient.connect(server.wsUrl);
    ws.send(JSON.stringify(Array.from({ length: 8 }, (_, i) => request('sum', [i], i))));
    const answers = (await ws.take()) as Frame[];
    expect(answers.filter((a) => a.result !== undefined)).toHaveLength(5);
    expect(answers.filter((a) => a.error?.code === -32029)).toHaveLength(3);
    expect(answers.find((a) => a.error)).toMatchObject({ error: { message: 'Rate limit exceeded', data: { limit: 'ratePerSecond' } } });
    await new Promise((resolve) => setTimeout(resolve, 450)); // ~2 tokens back
    expect(await ws.request(request('sum', [1], 'later'))).toMatchObject({ result: 1 });
    await ws.close();
    await stillServing(server); // a fresh connection has its own bucket
  });

  it('handler timeout: -32008, ctx.signal aborted, the late result dropped', async () => {
    server = await appWith({ limits: { handlerTimeoutMs: 150 } });
    const { aborted, lateResults } = guardStats;
    const ws = await TestWsClient.connect(server.wsUrl);
    const started = Date.now();
    expect(await ws.request(request('limits.stuck', [], 't'))).toEqual({ jsonrpc: '2.0', error: { code: -32008, message: 'Handler timed out' }, id: 't' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await eventually(() => guardStats.lateResults === lateResults + 1);
    expect(guardStats.aborted).toBe(aborted + 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ws.pending).toEqual([]); // nothing more for id "t"
    expect((await postRaw(server.httpUrl, JSON.stringify(request('limits.stuck', [], 'h')))).json).toMatchObject({ error: { code: -32008 } });
    await ws.close();
    await stillServing(server);
  });

  it('HTTP: a client that goes away mid-call aborts ctx.signal, as a WebSocket disconnect does', async () => {
    server = await appWith({});
    const { aborted } = guardStats;
    const controller = new AbortController();
    const request_ = fetch(server.httpUrl, { method: 'POST', body: JSON.stringify(request('limits.stuck', [], 'h')), headers: { 'content-type': 'application/json' }, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await expect(request_).rejects.toThrow();
    await eventually(() => guardStats.aborted === aborted + 1, 2000);
    await stillServing(server);
  });

  it('handler timeout: a result that arrives after its deadline is late, even when the loop was too starved to sweep', async () => {
    server = await appWith({ limits: { handlerTimeoutMs: 100 } });
    const ws = await TestWsClient.connect(server.wsUrl);
    // Due at 1 ms, but the loop is blocked for 250 ms: result and deadline come due in one turn.
    expect(await ws.request(request('limits.stalled', [1, 250], 's'))).toEqual({ jsonrpc: '2.0', error: { code: -32008, message: 'Handler timed out' }, id: 's' });
    expect(await ws.request(request('limits.stalled', [1, 0], 'f'))).toEqual({ jsonrpc: '2.0', result: 'late', id: 'f' });
    await ws.close();
    await stillServing(server);
  });

  it('a subscribe call that timed out or was cancelled never starts its stream, and frees its slot', async () => {
    server = await appWith({ limits: { handlerTimeoutMs: 100, maxSubscriptionsPerConnection: 1 } });
    const registry = server.app.get(ConnectionRegistry);
    const { slowStarted, lateResults } = guardStats;
    const ws = await TestWsClient.connect(server.wsUrl);
    const id = ((await ws.request(request('limits.connectionId', [], 'who'))) as { result: string }).result;
    expect(await ws.request(request('limits.slowStart', [300], 't'))).toMatchObject({ error: { code: -32008 }, id: 't' });
    ws.send(request('limits.slowStart', [300], 'c'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await ws.request(request('rpc.cancel', ['c'], 'x'))).toMatchObject({ result: true });
    expect(await ws.take((f) => (f as Frame).id === 'c')).toMatchObject({ error: { code: -32800 } });
    // Both pipelines finish later with their streams: neither may start, and neither keeps its slot.
    await eventually(() => guardStats.lateResults === lateResults + 2, 2000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(guardStats.slowStarted).toBe(slowStarted);
    expect(ws.pending.filter((f) => (f as Frame).method === 'limits.slowStart')).toEqual([]);
    expect(registry.get(id)!.subscriptionCount).toBe(0);
    // The slot is free: a subscription that opens in time works.
    expect(typeof ((await ws.request(request('limits.slowStart', [0], 'ok'))) as Frame).result).toBe('string');
    await ws.close();
    await stillServing(server);
  });

  it('heartbeat: a peer that stops answering pings is terminated within interval + timeout', async () => {
    server = await appWith({ heartbeat: { intervalMs: 100, timeoutMs: 100 } });
    const registry = server.app.get(ConnectionRegistry);
    const healthy = await TestWsClient.connect(server.wsUrl);
    const silent = new WebSocket(server.wsUrl);
    await new Promise((resolve) => silent.once('open', resolve));
    // Stop reading: its pongs (and everything else) stop, as with a dead peer.
    (silent as unknown as { _socket: { pause(): void } })._socket.pause();
    await eventually(() => registry.size === 1, 2000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await healthy.request(request('sum', [2], 'h'))).toMatchObject({ result: 2 });
    silent.terminate();
    await healthy.close();
    await stillServing(server);
  });

  it('slow consumer: a client that never reads is closed (4009) while a normal one gets every notification', async () => {
    server = await appWith({ limits: { slowConsumerBytes: 256 * 1024, slowConsumerMs: 200, ratePerSecond: 1000, rateBurst: 1000 }, heartbeat: false });
    const registry = server.app.get(ConnectionRegistry);
    closeCodes.length = 0;
    const reader = await TestWsClient.connect(server.wsUrl);
    const stalled = await TestWsClient.connect(server.wsUrl);
    const count = 2000;
    const subscribeStalled = (await stalled.request(request('limits.flood', [count * 10, 1024], 's'))) as Frame;
    expect(typeof subscribeStalled.result).toBe('string');
    (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const sub = (await reader.request(request('limits.flood', [count, 64], 'r'))) as Frame;
    const seen: number[] = [];
    while (seen.length < count) {
      const frame = (await reader.take((f) => (f as Frame).params?.subscription === sub.result)) as Frame;
      seen.push(frame.params!.result!.n);
    }
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
    // The stalled one is closed with 4009 and, as it reads nothing, terminated after the grace: its memory is freed.
    await eventually(() => registry.size === 1, 5000);
    expect(closeCodes).toEqual([JsonRpcCloseCode.SlowConsumer]);
    stalled.socket.terminate();
    await reader.close();
    await stillServing(server);
  });

  it('slow consumer whose backlog stopped growing: the sweep closes it (4009) after slowConsumerMs with nothing more sent', async () => {
    server = await appWith({ limits: { slowConsumerBytes: 64 * 1024, slowConsumerMs: 1000 }, heartbeat: false });
    const registry = server.app.get(ConnectionRegistry);
    closeCodes.length = 0;
    const client = await TestWsClient.connect(server.wsUrl);
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    // 8 MiB in bursts of 50 frames: done long before slowConsumerMs, under the 16 MiB ceiling.
    client.send(request('limits.flood', [8000, 1024], 'f'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(registry.size).toBe(1); // backlogged, but not for slowConsumerMs yet
    // No send notices it any more: only the sweep can close it.
    await eventually(() => registry.size === 0, 10_000); // the close, then its 2 s grace (the client reads nothing)
    expect(closeCodes).toEqual([JsonRpcCloseCode.SlowConsumer]);
    client.socket.terminate();
    await stillServing(server);
  });

  it('slow consumer, drop-oldest subscription: a gap notification instead of a close', async () => {
    server = await appWith({ limits: { slowConsumerBytes: 64 * 1024, slowConsumerMs: 1500 }, heartbeat: false });
    const registry = server.app.get(ConnectionRegistry);
    const client = await TestWsClient.connect(server.wsUrl);
    const raw = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause(); // the client stops reading while the flood starts...
    client.send(request('limits.latest', [5000, 1024], 'l'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    raw.resume(); // ...then catches up
    const sub = (await client.take((f) => (f as Frame).id === 'l', 5000)) as Frame;
    const ofSub = (f: unknown) => (f as Frame).params?.subscription === sub.result;
    const values: number[] = [];
    let gaps = 0;
    for (;;) {
      const frame = (await client.take(ofSub, 5000)) as { params: { result?: { n: number }; gap?: number; complete?: boolean } };
      if (frame.params.gap !== undefined) gaps += frame.params.gap;
      else if (frame.params.complete) break;
      else values.push(frame.params.result!.n);
    }
    expect(gaps).toBeGreaterThan(0);
    expect(values.length + gaps).toBe(5000); // every value was either delivered or counted as dropped
    expect(values.at(-1)).toBe(4999); // the latest one is never the one dropped
    expect([...values].sort((a, b) => a - b)).toEqual(values); // in order
    expect(registry.size).toBe(1); // not closed
    await client.close();
    await stillServing(server);
  });

  it('metrics: calls by method/transport/code, durations, connections (prom-client)', async () => {
    const registry = new Registry();
    server = await appWith({ metrics: { registry } });
    const ws = await TestWsClient.connect(server.wsUrl);
    await ws.request(request('sum', [1], 1));
    await ws.request(request('nope', [], 2));
    await postRaw(server.httpUrl, JSON.stringify(request('sum', [1], 3)));
    const text = await registry.metrics();
    expect(text).toContain('jsonrpc_calls_total{method="sum",transport="ws",code="0"} 1');
    expect(text).toContain('jsonrpc_calls_total{method="(unknown)",transport="ws",code="-32601"} 1');
    expect(text).toContain('jsonrpc_calls_total{method="sum",transport="http",code="0"} 1');
    expect(text).toContain('jsonrpc_open_connections 1');
    expect(text).toMatch(/jsonrpc_call_duration_seconds_count\{method="sum",transport="ws"\} 1/);
    await ws.close();
  });
});

describe('graceful shutdown', () => {
  it('with 50 calls in flight: they finish, new calls get -32099, sockets close with 1001', async () => {
    const server = await appWith({ limits: { ratePerSecond: 1000, rateBurst: 1000, maxInFlightPerConnection: 64 }, drainMs: 5000 });
    const ws = await TestWsClient.connect(server.wsUrl);
    for (let i = 0; i < 50; i++) ws.send(request('limits.slow', [300], i));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    ws.send(request('sum', [1], 'late'));
    const answers: Frame[] = [];
    while (answers.length < 51) answers.push((await ws.take(() => true, 3000)) as Frame);
    expect(answers.find((a) => a.id === 'late')).toEqual({ jsonrpc: '2.0', error: { code: -32099, message: 'Server is shutting down' }, id: 'late' });
    expect(answers.filter((a) => a.result === 300)).toHaveLength(50);
    expect((await ws.closed).code).toBe(1001);
    await closing;
  });
});
