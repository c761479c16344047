import { ConsoleLogger, Module } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { WebSocket, WebSocketServer } from 'ws';
import { JsonRpcModule } from '../../lib/index.js';
import { EventsGateway, PlainController } from '../fixtures/coexist.gateway.js';
import { AdminRpc, MiscRpc } from '../fixtures/features.rpc.js';
import { SpecExamplesRpc } from '../fixtures/spec-examples.rpc.js';
import { postRaw } from '../support/http-client.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { TestWsClient } from '../support/ws-client.js';

@Module({
  // Generous rate limit: the 200-concurrent-calls test is about ordering, not rate.
  imports: [JsonRpcModule.forRoot({ limits: { ratePerSecond: 10_000, rateBurst: 10_000 } })],
  controllers: [PlainController],
  providers: [SpecExamplesRpc, MiscRpc, AdminRpc, EventsGateway],
})
class TransportModule {}

/** What the app logs, to check that unexpected errors are logged with their stack. */
const logged: string[] = [];
class CapturingLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string): void {
    for (const message of messages) logged.push(`${context ?? ''} ${message instanceof Error ? message.stack : String(message)}`);
  }
}

const MiB = 1024 * 1024;
const call = (method: string, params: unknown, id: number | string) => ({ jsonrpc: '2.0', method, params, id });

describe('transports on one listening app', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startApp(TransportModule, (app) => {
      app.useWebSocketAdapter(new WsAdapter(app));
      app.useLogger(new CapturingLogger());
    });
  });

  afterAll(() => server.close());

  describe('handlers in an app without global enhancers (the direct path where nothing wraps them)', () => {
    const rpc = async (method: string, headers: Record<string, string> = {}) => (await postRaw(server.httpUrl, JSON.stringify(call(method, [], 1)), headers)).json;

    it('class- and method-level enhancers still run', async () => {
      expect(await rpc('admin.stats')).toMatchObject({ error: { code: -32003 } });
      expect(await rpc('admin.stats', { authorization: 'Bearer admin' })).toMatchObject({ result: { users: 3 } });
      expect(await rpc('misc.wrapped')).toMatchObject({ result: { wrapped: 42 } });
      expect(await rpc('misc.recover')).toMatchObject({ result: { recovered: true } });
    });

    it('an unexpected error is a bare -32603 and is logged with its stack', async () => {
      logged.length = 0;
      expect(await rpc('misc.crash')).toEqual({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: 1 });
      expect(logged.some((line) => line.startsWith('ExceptionsHandler Error: secret internals') && line.includes('features.rpc'))).toBe(true);
      expect(await rpc('misc.observable')).toMatchObject({ result: 3 });
    });
  });

  describe('HTTP', () => {
    it('answers 200 with application/json, 204 for notifications only', async () => {
      const ok = await postRaw(server.httpUrl, JSON.stringify(call('sum', [1, 2], 1)));
      expect(ok).toMatchObject({ status: 200, json: { jsonrpc: '2.0', result: 3, id: 1 } });
      expect(ok.contentType).toMatch(/^application\/json/);
      const none = await postRaw(server.httpUrl, '[{"jsonrpc":"2.0","method":"update","params":[1]}]');
      expect(none).toMatchObject({ status: 204, text: '' });
    });

    it('errors are 200 with the JSON-RPC error (invalid JSON included)', async () => {
      expect(await postRaw(server.httpUrl, '{oops')).toMatchObject({ status: 200, json: { error: { code: -32700 }, id: null } });
      expect(await postRaw(server.httpUrl, '')).toMatchObject({ status: 200, json: { error: { code: -32700 } } });
    });

    it('415 for another content type; charset parameter accepted', async () => {
      expect(await postRaw(server.httpUrl, JSON.stringify(call('sum', [1], 1)), { 'content-type': 'text/plain' })).toMatchObject({ status: 415 });
      expect(await postRaw(server.httpUrl, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' })).toMatchObject({ status: 415 });
      expect(await postRaw(server.httpUrl, JSON.stringify(call('sum', [1], 1)), { 'content-type': 'application/json; charset=utf-8' })).toMatchObject({ status: 200 });
    });

    it('413 for a body over 1 MiB, and the server keeps serving', async () => {
      const big = JSON.stringify(call('sum', [1], 1)).replace('[1]', `[1, "${'x'.repeat(MiB + 10)}"]`);
      expect(await postRaw(server.httpUrl, big)).toMatchObject({ status: 413, json: { error: { code: -32600 } } });
      expect(await postRaw(server.httpUrl, JSON.stringify(call('sum', [1, 1], 2)))).toMatchObject({ status: 200, json: { result: 2 } });
    });

    it('a body just under the limit is accepted', async () => {
      const body = JSON.stringify(call('update', ['x'.repeat(MiB - 200)], 3));
      expect(Buffer.byteLength(body)).toBeLessThan(MiB);
      expect(await postRaw(server.httpUrl, body)).toMatchObject({ status: 200, json: { result: null, id: 3 } });
    });

    it('leaves the rest of the app alone: other routes and their JSON bodies', async () => {
      expect(await (await fetch(`http://127.0.0.1:${server.port}/plain`)).json()).toEqual({ ok: true });
      expect(await postRaw(`http://127.0.0.1:${server.port}/plain`, '{"a":1}')).toMatchObject({ status: 201, json: { got: { a: 1 } } });
    });

    it('a query string on the path is ignored', async () => {
      expect(await postRaw(`${server.httpUrl}?x=1`, JSON.stringify(call('sum', [2, 2], 1)))).toMatchObject({ status: 200, json: { result: 4 } });
    });
  });

  describe('WebSocket', () => {
    let client: TestWsClient;
    beforeEach(async () => {
      client = await TestWsClient.connect(server.wsUrl);
    });
    afterEach(() => client.close());

    it('answers parse errors instead of dropping them', async () => {
      client.send('not json');
      expect(await client.take()).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
    });

    it('reads binary frames as UTF-8 JSON', async () => {
      client.send(Buffer.from(JSON.stringify(call('sum', [4, 5], 'bin'))));
      expect(await client.take()).toEqual({ jsonrpc: '2.0', result: 9, id: 'bin' });
    });

    it('runs 200 concurrent calls and answers each by id, whatever order they finish in', async () => {
      const expected = new Map<number, number>();
      for (let i = 0; i < 200; i++) {
        const value = i * 7;
        expected.set(i, value);
        client.send(call('misc.delayed', [value, Math.floor(Math.random() * 40)], i));
      }
      const answers = await Promise.all([...expected.keys()].map((id) => client.take((f) => (f as { id: number }).id === id)));
      const order = answers.map((a) => (a as { id: number }).id);
      for (const answer of answers as Array<{ id: number; result: number }>) expect(answer.result).toBe(expected.get(answer.id));
      expect(new Set(order).size).toBe(200);
    });

    it('closes a frame over 1 MiB with 1009 while other clients keep working', async () => {
      const bystander = await TestWsClient.connect(server.wsUrl);
      client.send(JSON.stringify(call('update', ['x'.repeat(MiB + 10)], 1)));
      expect((await client.closed).code).toBe(1009);
      expect(await bystander.request(call('sum', [1, 2], 'alive'))).toMatchObject({ result: 3 });
      await bystander.close();
    });

    it('accepts the path with a query string', async () => {
      const other = await TestWsClient.connect(`${server.wsUrl}?token=abc`);
      expect(await other.request(call('sum', [3], 1))).toMatchObject({ result: 3 });
      await other.close();
    });

    it('coexists with the app\'s own WsAdapter gateway on another path', async () => {
      const events = new WebSocket(`ws://127.0.0.1:${server.port}/events`);
      await new Promise((resolve, reject) => events.once('open', resolve).once('error', reject));
      const reply = new Promise<string>((resolve) => events.once('message', (data) => resolve(data.toString())));
      events.send(JSON.stringify({ event: 'echo', data: 'hi' }));
      expect(JSON.parse(await reply)).toEqual({ event: 'echo', data: 'hi' });
      events.close();
      expect(await client.request(call('sum', [1], 1))).toMatchObject({ result: 1 });
    });
  });
});

describe('upgrades without a matching endpoint', () => {
  it('a ws server attached to another path after listen() gets its upgrades; ours keep working', async () => {
    @Module({ imports: [JsonRpcModule.forRoot()], providers: [SpecExamplesRpc] })
    class Late {}
    const server = await startApp(Late);
    const late = new WebSocketServer({ server: server.app.getHttpServer(), path: '/late' });
    late.on('connection', (socket) => socket.on('message', (data) => socket.send(`late:${data.toString()}`)));
    try {
      const other = new WebSocket(`ws://127.0.0.1:${server.port}/late`);
      await new Promise((resolve, reject) => other.once('open', resolve).once('error', reject));
      const reply = new Promise<string>((resolve) => other.once('message', (data) => resolve(data.toString())));
      other.send('hi');
      expect(await reply).toBe('late:hi');
      other.close();
      // Our path never reaches the late server (it would answer 400 on a path it does not know).
      const ours = await TestWsClient.connect(server.wsUrl);
      expect(await ours.request(call('sum', [2, 3], 1))).toMatchObject({ result: 5 });
      await ours.close();
    } finally {
      late.close();
      await server.close();
    }
  });


  it('an unknown path gets 404 when nothing else listens for upgrades', async () => {
    @Module({ imports: [JsonRpcModule.forRoot()], providers: [SpecExamplesRpc] })
    class Bare {}
    const server = await startApp(Bare);
    try {
      await expect(TestWsClient.connect(`ws://127.0.0.1:${server.port}/nope`)).rejects.toThrow('404');
    } finally {
      await server.close();
    }
  });
});

describe('shutdown', () => {
  it('app.close() closes open sockets with 1001', async () => {
    @Module({ imports: [JsonRpcModule.forRoot()], providers: [SpecExamplesRpc] })
    class Closing {}
    const server = await startApp(Closing);
    const client = await TestWsClient.connect(server.wsUrl);
    await server.close();
    expect((await client.closed).code).toBe(1001);
  });
});
