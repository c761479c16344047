import { setTimeout as sleep } from 'node:timers/promises';
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { WebSocket } from 'ws';
import { closeAction, JsonRpcCloseCode, type JsonRpcAuthenticate, JsonRpcServer } from '../../lib/index.js';
import { ConnectionRegistry } from '../../lib/push/connection.registry.js';
import { guardStats, releaseBlocked } from '../fixtures/protection.rpc.js';
import { eventually } from '../support/eventually.js';
import { postRaw } from '../support/http-client.js';
import { appWith, closeCodes, request, stillServing } from '../support/protected-app.js';
import type { TestServer } from '../support/start-app.js';
import { testAuthenticate } from '../support/tokens.js';
import { TestWsClient } from '../support/ws-client.js';

type Frame = { id?: unknown; method?: string; params?: { subscription?: string; result?: unknown; gap?: number; complete?: boolean }; result?: unknown; error?: { code: number; data?: Record<string, unknown> } };

/** Figures for the issue note (RELIABILITY_FIGURES=1 prints them); never asserted on. */
function figure(name: string, value: number | string): void {
  if (process.env['RELIABILITY_FIGURES']) process.stderr.write(`FIGURE ${name}: ${value}\n`);
}

/** Samples every 5 ms: peak RSS growth and the longest gap between samples (how long the event loop was blocked). */
function sampler(): { stop(): { rssMB: number; blockedMs: number } } {
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let last = performance.now();
  let blocked = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    blocked = Math.max(blocked, now - last);
    last = now;
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return { rssMB: Math.round((rssPeak - rssBefore) / 1e6), blockedMs: Math.round(Math.max(blocked, performance.now() - last)) };
    },
  };
}

/** `authenticate` that takes 5-50 ms, as a token check against a database or JWKS would. */
const slowAuthenticate: JsonRpcAuthenticate = async (request, token) => {
  await sleep(5 + Math.floor(Math.random() * 45));
  return testAuthenticate(request, token);
};

/** Opens a socket and reports how it ended up: 'open', a refused upgrade's status, or the close code. */
function attempt(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; outcome: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ws, outcome: 'open' }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws, outcome: `http ${res.statusCode}` }));
    ws.once('error', () => undefined);
  });
}

const count = (outcomes: string[], outcome: string) => outcomes.filter((o) => o === outcome).length;

describe('limits hold across awaits', () => {
  let server: TestServer;
  afterEach(async () => {
    releaseBlocked();
    await server?.close();
  });

  it('maxConnections with an async authenticate: 150 parallel upgrades, exactly 100 admitted', async () => {
    server = await appWith({ authenticate: slowAuthenticate, limits: { maxConnections: 100, maxConnectionsPerPrincipal: 1000 } });
    const attempts = await Promise.all(Array.from({ length: 150 }, () => attempt(server.wsUrl, { authorization: 'Bearer mallory' })));
    const outcomes = attempts.map((a) => a.outcome);
    figure('admitted of 150 (maxConnections 100)', count(outcomes, 'open'));
    expect(count(outcomes, 'open')).toBe(100);
    expect(count(outcomes, 'http 503')).toBe(50);
    expect(server.app.get(ConnectionRegistry).size).toBe(100);
    for (const { ws } of attempts) ws.terminate();
    await eventually(() => server.app.get(ConnectionRegistry).size === 0);
    await stillServing(server, { authorization: 'Bearer alice' });
  });

  it('maxConnectionsPerPrincipal with an async authenticate: 30 parallel upgrades of one user, exactly 5 admitted', async () => {
    server = await appWith({ authenticate: slowAuthenticate, limits: { maxConnectionsPerPrincipal: 5 } });
    const attempts = await Promise.all(Array.from({ length: 30 }, () => attempt(server.wsUrl, { authorization: 'Bearer mallory' })));
    const outcomes = attempts.map((a) => a.outcome);
    figure('admitted of 30 (maxConnectionsPerPrincipal 5)', count(outcomes, 'open'));
    expect(count(outcomes, 'open')).toBe(5);
    for (const { ws } of attempts) ws.terminate();
    await stillServing(server, { authorization: 'Bearer mallory' }); // the user too, once the sockets are gone
  });

  it('maxSubscriptionsPerConnection: one batch of 50 subscribe calls whose pipeline awaits gives exactly the limit (5)', async () => {
    server = await appWith({ limits: { maxSubscriptionsPerConnection: 5, maxInFlightPerConnection: 64 } });
    const ws = await TestWsClient.connect(server.wsUrl);
    ws.send(JSON.stringify(Array.from({ length: 50 }, (_, i) => request('limits.later', [], i))));
    const answers = (await ws.take()) as Frame[];
    figure('live subscriptions after a batch of 50 (limit 5)', answers.filter((a) => typeof a.result === 'string').length);
    expect(answers.filter((a) => typeof a.result === 'string')).toHaveLength(5);
    expect(answers.filter((a) => a.error?.code === -32029 && a.error.data?.['limit'] === 'maxSubscriptionsPerConnection')).toHaveLength(45);
    // A slot freed by unsubscribing is available again; the count never drifts.
    expect(await ws.request(request('rpc.unsubscribe', [answers[0]!.result], 'u'))).toMatchObject({ result: true });
    expect(await ws.request(request('limits.later', [], 'again'))).toMatchObject({ result: expect.any(String) });
    expect(await ws.request(request('limits.later', [], 'over'))).toMatchObject({ error: { code: -32029 } });
    await ws.close();
    await stillServing(server);
  });

  it('maxSubscriptionsPerConnection default (100): 99 live, then a batch of 100 gives 100 live, not 199', async () => {
    server = await appWith({ limits: { maxInFlightPerConnection: 200, ratePerSecond: 1000, rateBurst: 1000 } });
    const ws = await TestWsClient.connect(server.wsUrl);
    ws.send(JSON.stringify(Array.from({ length: 99 }, (_, i) => request('limits.later', [], `a${i}`))));
    expect(((await ws.take()) as Frame[]).every((a) => typeof a.result === 'string')).toBe(true);
    ws.send(JSON.stringify(Array.from({ length: 100 }, (_, i) => request('limits.later', [], `b${i}`))));
    const answers = (await ws.take()) as Frame[];
    figure('live subscriptions after 99 + a batch of 100 (limit 100)', 99 + answers.filter((a) => typeof a.result === 'string').length);
    expect(answers.filter((a) => typeof a.result === 'string')).toHaveLength(1);
    await ws.close();
    await stillServing(server);
  });

  it('maxInFlightPerConnection: a batch runs at most the limit at once, and answers every item', async () => {
    server = await appWith({ limits: { maxInFlightPerConnection: 4 } });
    guardStats.maxRunning = 0;
    const ws = await TestWsClient.connect(server.wsUrl);
    ws.send(JSON.stringify(Array.from({ length: 20 }, (_, i) => request('limits.block', [], i))));
    await eventually(() => guardStats.running === 4);
    let answer: Frame[] | undefined;
    const answered = ws.take().then((frame) => (answer = frame as Frame[]));
    while (!answer) {
      releaseBlocked();
      await Promise.race([answered, sleep(5)]);
    }
    expect(answer).toHaveLength(20);
    expect(answer.every((a) => typeof a.result === 'number')).toBe(true);
    figure('calls running at once in a batch of 20 (limit 4)', guardStats.maxRunning);
    expect(guardStats.maxRunning).toBe(4);
    await ws.close();
    await stillServing(server);
  });
});

describe('amplification: work and memory per message bounded by the limits', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('an HTTP batch of 100 calls answering 5 MB each: every item -32013, only the calls within the budget run', async () => {
    server = await appWith({ limits: { ratePerSecond: 1000, rateBurst: 1000 } });
    guardStats.bigCalls = 0;
    const sampling = sampler();
    const body = JSON.stringify(Array.from({ length: 100 }, (_, i) => request('limits.big', [5_000_000], i)));
    const reply = await postRaw(server.httpUrl, body);
    const { rssMB, blockedMs } = sampling.stop();
    figure('amplification batch body bytes', body.length);
    figure('amplification peak RSS growth MB', rssMB);
    figure('amplification longest event-loop block ms', blockedMs);
    figure('amplification handler runs', guardStats.bigCalls);
    const answers = reply.json as Frame[];
    expect(answers).toHaveLength(100);
    expect(answers.every((a) => a.error?.code === -32013)).toBe(true);
    // 5 MB fits the 5 MiB budget once: the second answer spends it, the other 98 never run.
    expect(guardStats.bigCalls).toBe(2);
    expect(answers.filter((a) => a.error?.data?.['notRun'] === true)).toHaveLength(98);
    await stillServing(server);
  });

  it('the same batch over WebSocket', async () => {
    server = await appWith({ limits: { ratePerSecond: 1000, rateBurst: 1000 } });
    guardStats.bigCalls = 0;
    const ws = await TestWsClient.connect(server.wsUrl);
    ws.send(JSON.stringify(Array.from({ length: 100 }, (_, i) => request('limits.big', [5_000_000], i))));
    const answers = (await ws.take()) as Frame[];
    expect(answers.every((a) => a.error?.code === -32013)).toBe(true);
    expect(guardStats.bigCalls).toBe(2);
    await ws.close();
    await stillServing(server);
  });

  it('a batch of 100 replaying subscriptions yields: another client is answered while the replay is still running', async () => {
    server = await appWith({ limits: { ratePerSecond: 1000, rateBurst: 1000, maxBufferedBytes: 64 * 1024 * 1024 }, heartbeat: false });
    guardStats.replayed = 0;
    const total = 100 * 2000;
    const flooded = await TestWsClient.connect(server.wsUrl);
    const other = await TestWsClient.connect(server.wsUrl);
    const sampling = sampler();
    flooded.send(JSON.stringify(Array.from({ length: 100 }, (_, i) => request('limits.replay', [2000], i))));
    const ids = ((await flooded.take((f) => Array.isArray(f))) as Frame[]).map((a) => a.result);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    const seenByOther = (await other.request(request('limits.replayed', [], 'r'))) as Frame;
    figure('replay values emitted when another client was answered', `${seenByOther.result as number} of ${total}`);
    figure('replay: longest event-loop block until then, ms', sampling.stop().blockedMs);
    expect(seenByOther.result as number).toBeLessThan(total);
    let received = 0;
    while (received < total) {
      await flooded.take((f) => (f as Frame).method === 'limits.replay');
      received++;
    }
    await Promise.all([flooded.close(), other.close()]);
    await stillServing(server);
  }, 60_000);
});

describe('slow consumers', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('hard ceiling: a socket that never reads is closed (4009) once maxBufferedBytes are waiting, long before slowConsumerMs', async () => {
    server = await appWith({
      limits: { slowConsumerBytes: 256 * 1024, slowConsumerMs: 600_000, maxBufferedBytes: 8 * 1024 * 1024, ratePerSecond: 1000, rateBurst: 1000 },
      heartbeat: false,
    });
    closeCodes.length = 0;
    const registry = server.app.get(ConnectionRegistry);
    const stalled = await TestWsClient.connect(server.wsUrl);
    (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const sampling = sampler();
    stalled.send(request('limits.flood', [1_000_000, 1024], 's'));
    try {
      await eventually(() => closeCodes.length === 1, 15_000);
    } finally {
      figure('never-reading socket: RSS growth until closed (or 15 s) MB', sampling.stop().rssMB);
    }
    expect(closeCodes).toEqual([JsonRpcCloseCode.SlowConsumer]);
    expect(closeAction(JsonRpcCloseCode.SlowConsumer)).toBe('reconnect');
    await eventually(() => registry.size === 0, 5000);
    stalled.socket.terminate();
    await stillServing(server);
  }, 30_000);

  it('drop-oldest: stalled longer than slowConsumerMs, the connection stays open; then a gap and the latest value', async () => {
    server = await appWith({ limits: { slowConsumerBytes: 64 * 1024, slowConsumerMs: 200 }, heartbeat: false });
    closeCodes.length = 0;
    const registry = server.app.get(ConnectionRegistry);
    const client = await TestWsClient.connect(server.wsUrl);
    const raw = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    client.send(request('limits.latest', [5000, 1024], 'l'));
    await sleep(1000); // five times slowConsumerMs without reading
    expect(registry.size).toBe(1);
    raw.resume();
    const sub = (await client.take((f) => (f as Frame).id === 'l', 5000)) as Frame;
    const values: number[] = [];
    let gaps = 0;
    for (;;) {
      const frame = (await client.take((f) => (f as Frame).params?.subscription === sub.result, 5000)) as { params: { result?: { n: number }; gap?: number; complete?: boolean } };
      if (frame.params.gap !== undefined) gaps += frame.params.gap;
      else if (frame.params.complete) break;
      else values.push(frame.params.result!.n);
    }
    expect(gaps).toBeGreaterThan(0);
    expect(values.length + gaps).toBe(5000);
    expect(values.at(-1)).toBe(4999);
    expect(closeCodes).toEqual([]);
    await client.close();
    await stillServing(server);
  });
});

describe('heartbeat: any interval/timeout pair terminates a dead peer', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  // Timeouts well above a loaded machine's event-loop stalls: the healthy client must never look dead.
  it.each([
    [100, 400],
    [60, 300],
    [300, 200],
  ])('interval %i ms, timeout %i ms', async (intervalMs, timeoutMs) => {
    server = await appWith({ heartbeat: { intervalMs, timeoutMs } });
    closeCodes.length = 0;
    const registry = server.app.get(ConnectionRegistry);
    const healthy = await TestWsClient.connect(server.wsUrl);
    const silent = new WebSocket(server.wsUrl);
    await new Promise((resolve) => silent.once('open', resolve));
    (silent as unknown as { _socket: { pause(): void } })._socket.pause();
    const stalledAt = Date.now();
    await eventually(() => registry.size === 1, 5000);
    figure(`heartbeat ${intervalMs}/${timeoutMs}: dead peer gone after ms`, Date.now() - stalledAt);
    expect(closeCodes).toEqual([JsonRpcCloseCode.HeartbeatTimeout]);
    // The healthy one answered every ping meanwhile and is still served.
    await sleep(3 * (intervalMs + timeoutMs));
    expect(await healthy.request(request('sum', [2], 'h'))).toMatchObject({ result: 2 });
    silent.terminate();
    await healthy.close();
    await stillServing(server);
  });

  it('refuses nonsense values at bootstrap', async () => {
    await expect(appWith({ heartbeat: { intervalMs: 0 } })).rejects.toThrow('heartbeat.intervalMs must be a positive integer');
    await expect(appWith({ heartbeat: { timeoutMs: 1.5 } })).rejects.toThrow('heartbeat.timeoutMs must be a positive integer');
  });
});

describe('logs a client can provoke', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('connect/close churn: connect and disconnect lines at debug level, at most 10 a second per kind', async () => {
    const lines: Array<{ level: LogLevel; message: string }> = [];
    class CapturingLogger extends ConsoleLogger {
      protected override printMessages(messages: unknown[], _context?: string, level: LogLevel = 'log'): void {
        for (const message of messages) lines.push({ level, message: String(message) });
      }
    }
    server = await appWith({}, (app) => app.useLogger(new CapturingLogger()));
    const started = Date.now();
    for (let round = 0; round < 20; round++) {
      const clients = await Promise.all(Array.from({ length: 20 }, () => TestWsClient.connect(server.wsUrl)));
      await Promise.all(clients.map((client) => client.close()));
    }
    await eventually(() => server.app.get(ConnectionRegistry).size === 0);
    const seconds = Math.ceil((Date.now() - started) / 1000);
    const connects = lines.filter((line) => line.message.startsWith('connect '));
    const disconnects = lines.filter((line) => line.message.startsWith('disconnect '));
    figure('connect + disconnect lines for 400 connect/close cycles', `${connects.length + disconnects.length} in ${seconds} s`);
    expect(connects.length).toBeGreaterThan(0);
    expect(connects.length).toBeLessThanOrEqual(10 * (seconds + 1));
    expect(disconnects.length).toBeLessThanOrEqual(10 * (seconds + 1));
    expect(new Set([...connects, ...disconnects].map((line) => line.level))).toEqual(new Set(['debug']));
    await stillServing(server);
  });
});

describe('logout and close codes', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('disconnect({ principal }) revokes the tickets issued before it', async () => {
    server = await appWith({ authenticate: testAuthenticate });
    const alice = { authorization: 'Bearer alice' };
    const ticket = ((await postRaw(server.httpUrl, JSON.stringify(request('limits.ticket', [], 1)), alice)).json as { result: string }).result;
    const kept = ((await postRaw(server.httpUrl, JSON.stringify(request('limits.ticket', [], 2)), { authorization: 'Bearer bob' })).json as { result: string }).result;
    server.app.get(JsonRpcServer).disconnect({ principal: 'alice' });
    expect((await attempt(`${server.wsUrl}?ticket=${ticket}`)).outcome).toBe('http 401');
    const bob = await attempt(`${server.wsUrl}?ticket=${kept}`); // another user's ticket still works
    expect(bob.outcome).toBe('open');
    bob.ws.close();
    await stillServing(server, alice); // alice may log in again with her token
  });

  it('a message in more than 16,384 fragments is closed with 1008 (ws)', async () => {
    server = await appWith({});
    const ws = await TestWsClient.connect(server.wsUrl);
    for (let i = 0; i < 16_385; i++) ws.socket.send('x', { fin: false });
    ws.socket.send('x', { fin: true });
    expect((await ws.closed).code).toBe(JsonRpcCloseCode.PolicyViolation);
    await stillServing(server);
  });

  it('acceptThenClose: refusals become close codes a browser can read', async () => {
    server = await appWith({
      acceptThenClose: true,
      authenticate: testAuthenticate,
      allowedOrigins: ['https://desk.example'],
      limits: { maxConnections: 3, maxConnectionsPerPrincipal: 1 },
    });
    const closedWith = async (headers: Record<string, string>) => {
      const client = await TestWsClient.connect(server.wsUrl, { headers });
      return (await client.closed).code;
    };
    expect(await closedWith({})).toBe(JsonRpcCloseCode.Unauthorized);
    expect(closeAction(JsonRpcCloseCode.Unauthorized)).toBe('reauthenticate');
    expect(await closedWith({ authorization: 'Bearer alice', origin: 'https://evil.example' })).toBe(JsonRpcCloseCode.Forbidden);
    const first = await TestWsClient.connect(server.wsUrl, { headers: { authorization: 'Bearer alice' } });
    expect(await closedWith({ authorization: 'Bearer alice' })).toBe(JsonRpcCloseCode.RateLimited);
    const others = await Promise.all(['bob', 'carol'].map((id) => TestWsClient.connect(server.wsUrl, { headers: { authorization: `Bearer ${id}` } })));
    expect(await closedWith({ authorization: 'Bearer dave' })).toBe(JsonRpcCloseCode.TryAgainLater);
    await Promise.all([first, ...others].map((client) => client.close()));
    await eventually(() => server.app.get(ConnectionRegistry).size === 0);
    await stillServing(server, { authorization: 'Bearer dave' });
  });
});
