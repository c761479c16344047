import { ConnectionClosedError, type JsonRpcClient } from '../../lib/client/index.js';
import { ServerProcess } from './server-process/server-process.js';
import { closeAll, reach, wsClient } from './client-support.js';

// The server is a child process killed with SIGKILL: no close frame, no drain,
// the socket just dies (1006). Then a new process starts on the same port.
let server: ServerProcess | undefined;

afterEach(async () => {
  await closeAll();
  await server?.kill();
  server = undefined;
});

describe('server killed (SIGKILL) and restarted on the same port', () => {
  it('pending calls reject at once; the client reconnects, resubscribes and gets every event exactly once', async () => {
    server = await ServerProcess.start();
    const port = server.port;
    const client = wsClient(server.wsUrl, { reconnect: { baseDelayMs: 50, maxDelayMs: 400 } });
    const sub = client.subscribe<number>('t.numbers', { to: 400, everyMs: 2 });
    const resumes: unknown[] = [];
    sub.on('resubscribed', (info) => resumes.push(info));
    const values: number[] = [];
    let pendingAtKill: Promise<unknown> | undefined;
    let rejectedWhileDown = false;
    for await (const value of sub) {
      values.push(value);
      if (value === 100) {
        pendingAtKill = client.call('t.wait', { ms: 60_000 }, { timeoutMs: 0 }).catch((error: unknown) => {
          rejectedWhileDown = client.state !== 'open'; // not left hanging until the server came back
          return error;
        });
        await client.call('t.echo', []); // the wait is running on the server
        await server.kill();
        await reach(client, 'reconnecting');
        expect(await pendingAtKill).toBeInstanceOf(ConnectionClosedError);
        expect(rejectedWhileDown).toBe(true);
        server = await ServerProcess.start(port);
      }
    }
    expect(values).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(resumes).toEqual([{ lastEventId: expect.any(Number), resumed: true }]);
    expect(await client.call('t.echo', ['after restart'])).toEqual(['after restart']);
  }, 60_000);

  it('autoBatch: after a restart each subscription is made once (no second server subscription nobody listens to)', async () => {
    server = await ServerProcess.start();
    const port = server.port;
    const client = wsClient(server.wsUrl, { autoBatch: true, reconnect: { baseDelayMs: 50, maxDelayMs: 400 }, heartbeatMs: 0 });
    const strays: unknown[] = [];
    client.on('notification', (method, params) => strays.push({ method, params }));
    const sub = client.subscribe<number>('t.numbers', { to: 300, everyMs: 2 });
    const values: number[] = [];
    for await (const value of sub) {
      values.push(value);
      if (value === 50) {
        await server.kill();
        await reach(client, 'reconnecting');
        server = await ServerProcess.start(port);
      }
    }
    expect(values).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(strays).toEqual([]); // a duplicate resubscribe would push to an id the client does not know
  }, 60_000);

  it('a subscribe made while the server is down outlives timeoutMs: its timeout runs from the send on an open socket', async () => {
    server = await ServerProcess.start();
    const port = server.port;
    const url = server.wsUrl;
    await server.kill(); // nothing listens: the client keeps reconnecting
    const client = wsClient(url, { timeoutMs: 1000, reconnect: { baseDelayMs: 50, maxDelayMs: 200 }, heartbeatMs: 0 });
    const sub = client.subscribe<number>('t.numbers', { to: 3, everyMs: 2 });
    const values: number[] = [];
    const consumed = (async () => {
      for await (const value of sub) values.push(value);
    })();
    await new Promise((resolve) => setTimeout(resolve, 3000)); // three timeouts' worth of connect attempts
    server = await ServerProcess.start(port);
    await consumed; // rejects with RpcTimeoutError if the wait to connect counted
    expect(values).toEqual([1, 2, 3]);
  }, 30_000);

  it('500 clients reconnecting after a restart spread over the backoff window, and all get back', async () => {
    server = await ServerProcess.start();
    const port = server.port;
    const count = 500;
    const baseDelayMs = 200;
    const maxDelayMs = 2000;
    const clients: JsonRpcClient[] = [];
    const delays: number[][] = Array.from({ length: count }, () => []);
    for (let i = 0; i < count; i++) {
      const client = wsClient(server.wsUrl, { reconnect: { baseDelayMs, maxDelayMs }, heartbeatMs: 0 });
      client.on('reconnect', ({ delayMs }) => delays[i]!.push(delayMs));
      clients.push(client);
    }
    await Promise.all(clients.map((client) => reach(client, 'open', 30_000)));
    await server.kill();
    await Promise.all(clients.map((client) => reach(client, 'reconnecting', 30_000)));
    const restartedAt = Date.now();
    server = await ServerProcess.start(port);
    const listeningAt = Date.now();
    const openedAt: number[] = [];
    await Promise.all(clients.map((client) => reach(client, 'open', 60_000).then(() => openedAt.push(Date.now() - listeningAt))));
    expect(openedAt).toHaveLength(count);
    expect((await Promise.all(clients.map((client) => client.call('t.echo', ['back'])))).every((r) => JSON.stringify(r) === '["back"]')).toBe(true);

    // Full jitter: the first waits are uniform over [0, baseDelayMs]; each quarter of it gets its share.
    const first = delays.map((d) => d[0]!);
    expect(Math.max(...first)).toBeLessThan(baseDelayMs);
    for (let q = 0; q < 4; q++) {
      const inQuarter = first.filter((d) => d >= (q * baseDelayMs) / 4 && d < ((q + 1) * baseDelayMs) / 4).length;
      expect(inQuarter).toBeGreaterThan(count * 0.15);
    }
    openedAt.sort((a, b) => a - b);
    const pct = (p: number) => openedAt[Math.min(count - 1, Math.floor((p / 100) * count))]!;
    const attempts = delays.map((d) => d.length);
    console.log(
      `reconnect storm: ${count} clients, restart took ${listeningAt - restartedAt} ms; back after listening: ` +
        `first ${pct(0)} ms, p50 ${pct(50)} ms, p90 ${pct(90)} ms, last ${pct(100)} ms; attempts per client max ${Math.max(...attempts)}, ` +
        `mean ${(attempts.reduce((a, b) => a + b, 0) / count).toFixed(1)}`,
    );
  }, 120_000);
});
