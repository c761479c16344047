import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { ConnectionClosedError, ConnectionRefusedError, JsonRpcCloseCode, type ClientSubscription } from '../../lib/client/index.js';
import { Backoff } from '../../lib/client/backoff.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { testAuthenticate } from '../support/tokens.js';
import { eventually } from '../support/eventually.js';
import { clientStats, clientTestModule } from './fixtures/client.rpc.js';
import { closeAll, reach, recordStates, wsClient } from './client-support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startApp(clientTestModule({ authenticate: testAuthenticate }));
});
afterAll(() => server.close());
afterEach(() => closeAll());

/** Collects a subscription's values until `count` arrived. */
async function collect(sub: ClientSubscription<number>, count: number, onValue?: (value: number) => void): Promise<number[]> {
  const values: number[] = [];
  for await (const value of sub) {
    values.push(value);
    onValue?.(value);
    if (values.length === count) break;
  }
  return values;
}

describe('full-jitter backoff', () => {
  it('waits uniformly within [0, min(max, base * 2^attempt)], and resets', () => {
    const top = new Backoff({ baseDelayMs: 100, maxDelayMs: 1000 }, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(() => top.next())).toEqual([99, 199, 399, 799, 999, 999]);
    const bottom = new Backoff({ baseDelayMs: 100 }, () => 0);
    expect(bottom.next()).toBe(0);
    const limited = new Backoff({ maxAttempts: 2 });
    limited.next();
    limited.next();
    expect(limited.exhausted).toBe(true);
    limited.reset();
    expect(limited.exhausted).toBe(false);
  });
});

describe('close codes', () => {
  it.each([
    [JsonRpcCloseCode.GoingAway, 'reconnect'],
    [JsonRpcCloseCode.TryAgainLater, 'reconnect'],
    [JsonRpcCloseCode.SlowConsumer, 'reconnect'],
    [JsonRpcCloseCode.LoggedOut, 'stop'],
    [JsonRpcCloseCode.Forbidden, 'stop'],
  ])('server close %i -> %s', async (code, action) => {
    const client = wsClient(server.wsUrl, { auth: () => 'alice', reconnect: { baseDelayMs: 10, maxDelayMs: 20 } });
    const states = recordStates(client);
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await reach(client, 'open');
    const connects = clientStats.connects;
    await client.call('t.kick', { code });
    if (action === 'reconnect') {
      await reach(client, 'reconnecting');
      await reach(client, 'open');
      expect(clientStats.connects).toBe(connects + 1);
      expect(await client.call('t.echo', ['back'])).toEqual(['back']);
    } else {
      await reach(client, 'closed');
      expect(errors).toEqual([expect.any(ConnectionClosedError)]);
      expect((errors[0] as ConnectionClosedError).closeCode).toBe(code);
      expect(states).not.toContain('reconnecting');
      expect(clientStats.connects).toBe(connects);
    }
  });

  it('a refused token is retried once with fresh credentials, then the client stops (no retry storm)', async () => {
    let asked = 0;
    const client = wsClient(server.wsUrl, { auth: () => (asked++, 'Refused-token'), reconnect: { baseDelayMs: 1, maxDelayMs: 1 } });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await reach(client, 'closed');
    expect(asked).toBe(2);
    expect(errors[0]).toBeInstanceOf(ConnectionRefusedError);
    expect((errors[0] as ConnectionRefusedError).status).toBe(401);
    const other = wsClient(server.wsUrl, { auth: () => 'bob' });
    expect(await other.call('t.me')).toMatchObject({ id: 'bob' });
  });

  it.each([
    [403, 'stop'],
    [404, 'stop'],
    [429, 'reconnect'],
    [503, 'reconnect'],
    [500, 'reconnect'],
  ])('an upgrade refused with HTTP %i -> %s (as its close code would)', async (status, action) => {
    let upgrades = 0;
    const http = createServer();
    http.on('upgrade', (_request, socket) => {
      upgrades++;
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const client = wsClient(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/rpc`, { reconnect: { baseDelayMs: 5, maxDelayMs: 10, maxAttempts: 3 } });
      const errors: Error[] = [];
      client.on('error', (error) => errors.push(error));
      await reach(client, 'closed');
      expect(errors).toEqual([expect.any(ConnectionRefusedError)]);
      expect((errors[0] as ConnectionRefusedError).status).toBe(status);
      expect(upgrades).toBe(action === 'stop' ? 1 : 4); // the first try and maxAttempts retries
    } finally {
      await closeAll();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('a token refused first and accepted on the retry connects', async () => {
    const tokens = ['Refused-token', 'carol'];
    const client = wsClient(server.wsUrl, { auth: () => tokens.shift() });
    expect(await client.call('t.me')).toMatchObject({ id: 'carol' });
    expect(tokens).toEqual([]);
  });

  it('auth() throwing (token service down) is retried with backoff, not fatal', async () => {
    let asked = 0;
    const client = wsClient(server.wsUrl, {
      auth: () => {
        if (++asked < 3) throw new Error('token service unavailable');
        return 'frank';
      },
      reconnect: { baseDelayMs: 5, maxDelayMs: 10 },
    });
    expect(await client.call('t.me')).toMatchObject({ id: 'frank' });
    expect(asked).toBe(3);
  });

  it('re-authenticates on the live socket before the token expires (subscriptions keep going)', async () => {
    const firstExpiry = Date.now() + 600;
    const tokens = [
      { token: 'dave:600', expiresAt: firstExpiry },
      { token: 'dave:60000', expiresAt: Date.now() + 60_000 },
    ];
    const client = wsClient(server.wsUrl, { auth: () => tokens.shift(), tokenIn: 'header', reauthenticateBeforeMs: 500 });
    const states = recordStates(client);
    const sub = client.subscribe<number>('t.numbers', { to: 1_000_000, everyMs: 20 });
    const values: number[] = [];
    sub.subscribe((value) => values.push(value));
    await eventually(() => tokens.length === 0); // auth() was asked again; rpc.authenticate is on its way
    let me = (await client.call('t.me')) as { expiresAt: number };
    // The first token's expiry is within a second; the renewed one a minute away.
    for (let i = 0; i < 100 && me.expiresAt < Date.now() + 30_000; i++) me = (await client.call('t.me')) as { expiresAt: number };
    expect(me.expiresAt).toBeGreaterThan(Date.now() + 30_000);
    // Past the first token's expiry the same socket still serves (the server would have closed it).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstExpiry + 100 - Date.now())));
    const seen = values.length;
    await eventually(() => values.length > seen);
    expect(values).toEqual(Array.from({ length: values.length }, (_, i) => i + 1));
    expect(await client.call('t.echo', ['same socket'])).toEqual(['same socket']);
    expect(states).toEqual(['open']);
    sub.unsubscribe();
  });
});

describe('reconnect', () => {
  it('resubscribes with lastEventId after a drop: every event exactly once, resumed', async () => {
    const client = wsClient(server.wsUrl, { auth: () => 'erin', reconnect: { baseDelayMs: 10, maxDelayMs: 50 } });
    const sub = client.subscribe<number>('t.numbers', { to: 60, everyMs: 2 });
    const resumes: unknown[] = [];
    sub.on('resubscribed', (info) => resumes.push(info));
    let kicked = false;
    const values = await collect(sub, 60, (value) => {
      if (value === 20 && !kicked) {
        kicked = true;
        void client.call('t.kick', { code: JsonRpcCloseCode.GoingAway });
      }
    });
    expect(values).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(resumes).toEqual([{ lastEventId: expect.any(Number), resumed: true }]);
  });

  it('a resume the server cannot replay in full reports the gap (RpcGap)', async () => {
    const client = wsClient(server.wsUrl, { auth: () => 'erin', reconnect: { baseDelayMs: 10, maxDelayMs: 50 } });
    const sub = client.subscribe<number>('t.numbers', { to: 40, everyMs: 2, forgetBefore: 30 });
    const events: unknown[] = [];
    sub.on('resubscribed', (info) => events.push(info));
    sub.on('gap', (info) => events.push(info));
    let kicked = false;
    const values: number[] = [];
    for await (const value of sub) {
      values.push(value);
      if (value === 10 && !kicked) {
        kicked = true;
        void client.call('t.kick', { code: JsonRpcCloseCode.GoingAway });
      }
    }
    const resumedAt = values.indexOf(30);
    expect(values.slice(resumedAt)).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
    expect(values.slice(0, resumedAt)).toEqual(Array.from({ length: resumedAt }, (_, i) => i + 1));
    expect(events).toEqual([{ lastEventId: resumedAt, resumed: true }, { missed: 29 - resumedAt }]);
  });

  it('an upgrade refused with 503 (connection limit) reconnects with backoff until there is room', async () => {
    const limited = await startApp(clientTestModule({ limits: { maxConnections: 1 } }));
    try {
      const first = wsClient(limited.wsUrl);
      await reach(first, 'open');
      const second = wsClient(limited.wsUrl, { reconnect: { baseDelayMs: 10, maxDelayMs: 40 } });
      await reach(second, 'reconnecting');
      await first.close();
      await reach(second, 'open');
      expect(await second.call('t.echo', ['room'])).toEqual(['room']);
    } finally {
      await closeAll();
      await limited.close();
    }
  });

  it('closing while the handshake is still pending is clean (ws would throw an unheard error event)', async () => {
    const held: Socket[] = [];
    const silent = createNetServer((socket) => held.push(socket)); // accepts TCP, never answers the upgrade
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const client = wsClient(`ws://127.0.0.1:${(silent.address() as AddressInfo).port}/rpc`);
      const queued = client.call('anything');
      await eventually(() => held.length > 0);
      await client.close();
      expect(client.state).toBe('closed');
      await expect(queued).rejects.toMatchObject({ name: 'NotConnectedError' });
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('detects a peer that stopped answering with rpc.ping within heartbeatMs + heartbeatTimeoutMs', async () => {
    const http: Server = createServer();
    const silent = new WebSocketServer({ server: http }); // accepts, never answers anything
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    let accepted = 0;
    silent.on('connection', () => accepted++);
    try {
      const client = wsClient(url, { heartbeatMs: 100, heartbeatTimeoutMs: 100, reconnect: { baseDelayMs: 10, maxDelayMs: 20 } });
      await reach(client, 'open');
      const pending = client.call('anything', [], { timeoutMs: 0 });
      await reach(client, 'reconnecting');
      await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
      await reach(client, 'open');
      expect(accepted).toBe(2);
    } finally {
      await closeAll();
      for (const socket of silent.clients) socket.terminate();
      silent.close();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('a subscribe it gave up on (timeout) that a server opens anyway is unsubscribed when the late id arrives', async () => {
    const http: Server = createServer();
    // A server that ignores rpc.cancel: answers the subscribe late, then pushes.
    const late = new WebSocketServer({ server: http });
    const seen: Array<{ method: string; params: unknown }> = [];
    late.on('connection', (socket) =>
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { method: string; params: unknown; id?: number };
        seen.push({ method: message.method, params: message.params });
        if (message.method !== 'ticks.watch') return;
        setTimeout(() => {
          socket.send(JSON.stringify({ jsonrpc: '2.0', result: 'sub-late', id: message.id }));
          socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'ticks.watch', params: { subscription: 'sub-late', result: 1 } }));
        }, 150);
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const client = wsClient(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`, { timeoutMs: 50 });
      const sub = client.subscribe<number>('ticks.watch');
      await expect(sub.ready).rejects.toThrow('50 ms');
      await eventually(() => seen.some((m) => m.method === 'rpc.unsubscribe'), 2000);
      expect(seen.map((m) => m.method)).toEqual(['ticks.watch', 'rpc.cancel', 'rpc.unsubscribe']);
      expect(seen[2]!.params).toEqual(['sub-late']);
    } finally {
      await closeAll();
      for (const socket of late.clients) socket.terminate();
      late.close();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
