import { request } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JsonRpcModule } from '../../lib/index.js';
import { SpecExamplesRpc } from '../fixtures/spec-examples.rpc.js';
import { postRaw } from '../support/http-client.js';
import { TEST_PLATFORM } from '../support/platform.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { TestWsClient } from '../support/ws-client.js';

// The HTTP endpoint as each platform seam installs it (test/run-tests.mjs runs
// this file on Express and on Fastify): exact path only, the body read by the
// library with its own deadline, per-principal rate limits, the app's own
// request hooks (CORS) still applied.

interface FastifyHooks {
  addHook(name: 'onRequest', hook: (request: unknown, reply: { header(name: string, value: string): unknown }, done: () => void) => void): void;
}
interface ExpressUse {
  use(middleware: (req: unknown, res: { setHeader(name: string, value: string): unknown }, next: () => void) => void): void;
}

const sum = (id: number) => JSON.stringify({ jsonrpc: '2.0', method: 'sum', params: [1, 2], id });

/** One raw HTTP/1.1 exchange on a fresh socket: the whole reply text once the server closes or answers. */
interface RawExchange {
  socket: Socket;
  reply: Promise<string>;
  closed: Promise<void>;
}
function openRaw(port: number, head: string): RawExchange {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let text = '';
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const reply = new Promise<string>((resolve) => {
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\r\n\r\n')) resolve(text);
    });
    socket.once('close', () => resolve(text));
  });
  socket.on('error', () => undefined);
  socket.write(head);
  return { socket, reply, closed };
}

@Module({
  imports: [JsonRpcModule.forRoot({ limits: { httpBodyTimeoutMs: 400 } })],
  providers: [SpecExamplesRpc],
})
class PlatformModule {}

describe(`HTTP endpoint on ${TEST_PLATFORM}`, () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startApp(PlatformModule, (app: INestApplication) => {
      app.enableCors({ origin: 'https://app.example' });
      // A request hook of the app's own that sets a header, the platform's way.
      const instance = app.getHttpAdapter().getInstance() as FastifyHooks & ExpressUse;
      if (TEST_PLATFORM === 'fastify') instance.addHook('onRequest', (_request, reply, done) => (reply.header('x-app-hook', 'yes'), done()));
      else instance.use((_req, res, next) => (res.setHeader('x-app-hook', 'yes'), next()));
    });
  });
  afterAll(() => server.close());

  it('runs on the platform the suite asked for', () => {
    expect(server.app.getHttpAdapter().getType()).toBe(TEST_PLATFORM);
  });

  it('serves the exact path only: /RPC and /rpc/ get the platform 404, valid or invalid JSON alike', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    for (const path of ['/RPC', '/rpc/', '/Rpc//', '/rpc/?x=1']) {
      const valid = await postRaw(`${base}${path}`, sum(1));
      const invalid = await postRaw(`${base}${path}`, '{"jsonrpc":');
      expect([path, valid.status, invalid.status]).toEqual([path, 404, 404]);
      expect(JSON.stringify(valid.json)).not.toContain('jsonrpc');
    }
    expect(await postRaw(`${base}/rpc?x=1`, sum(2))).toMatchObject({ status: 200, json: { result: 3 } });
  });

  it('cuts off a body sent at 1 byte/s (408, socket closed) while another client is served', async () => {
    const body = sum(3);
    const slow = openRaw(
      server.port,
      `POST /rpc HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    const trickle = setInterval(() => {
      if (!slow.socket.destroyed && sent < body.length) slow.socket.write(body[sent++]!);
    }, 1000);
    try {
      // Served in full while the slow sender holds its socket.
      expect(await postRaw(server.httpUrl, sum(4))).toMatchObject({ status: 200, json: { result: 3, id: 4 } });
      const reply = await slow.reply;
      expect(reply).toMatch(/^HTTP\/1\.1 408 /);
      expect(reply).toMatch(/connection: close/i);
      expect(reply).toContain('"code":-32600');
      await slow.closed;
      expect(sent).toBeLessThan(body.length);
    } finally {
      clearInterval(trickle);
      slow.socket.destroy();
    }
  });

  it('keeps a keep-alive socket usable across calls, 204 and errors', async () => {
    const notification = JSON.stringify({ jsonrpc: '2.0', method: 'sum', params: [1] });
    const request = (body: string) =>
      `POST /rpc HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const socket = connect(server.port, '127.0.0.1');
    socket.setEncoding('utf8');
    let text = '';
    socket.on('data', (chunk: string) => (text += chunk));
    const answers = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => ((text.match(/HTTP\/1\.1 /g) ?? []).length >= n ? resolve() : setTimeout(check, 5));
        check();
      });
    try {
      socket.write(request(notification) + request('{"bad"'));
      await answers(2);
      expect(text.match(/HTTP\/1\.1 (\d{3})/g)).toEqual(['HTTP/1.1 204', 'HTTP/1.1 200']);
      expect(text).toContain('"code":-32700');
      expect(socket.destroyed).toBe(false);
    } finally {
      socket.destroy();
    }
  });

  it("applies the app's CORS and its own request hooks to JSON-RPC answers", async () => {
    const reply = await fetch(server.httpUrl, {
      method: 'POST',
      body: sum(5),
      headers: { 'content-type': 'application/json', origin: 'https://app.example' },
    });
    expect(reply.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(reply.headers.get('x-app-hook')).toBe('yes');
    expect(await reply.json()).toMatchObject({ result: 3 });
  });
});

describe(`HTTP rate limit on ${TEST_PLATFORM}: per principal, else per client address`, () => {
  @Module({
    imports: [
      JsonRpcModule.forRoot({
        limits: { ratePerSecond: 1, rateBurst: 2 },
        authenticate: (_request, token) => (token === undefined ? undefined : { id: token }),
      }),
    ],
    providers: [SpecExamplesRpc],
  })
  class RateModule {}

  let server: TestServer;
  beforeAll(async () => {
    server = await startApp(RateModule);
  });
  afterAll(() => server.close());

  it('counts fresh sockets of one principal together; another principal is served', async () => {
    const as = (token: string, id: number) =>
      postRaw(server.httpUrl, sum(id), { authorization: `Bearer ${token}`, connection: 'close' });
    const alice = [await as('alice', 1), await as('alice', 2), await as('alice', 3)];
    expect(alice.map((reply) => (reply.json as { error?: { code: number } }).error?.code)).toEqual([undefined, undefined, -32029]);
    expect(await as('bob', 4)).toMatchObject({ status: 200, json: { result: 3, id: 4 } });
  });
});

describe(`HTTP rate limit on ${TEST_PLATFORM} without authenticate`, () => {
  @Module({ imports: [JsonRpcModule.forRoot({ limits: { ratePerSecond: 1, rateBurst: 2 } })], providers: [SpecExamplesRpc] })
  class AnonymousRateModule {}

  let server: TestServer;
  beforeAll(async () => {
    server = await startApp(AnonymousRateModule);
  });
  afterAll(() => server.close());

  /** One call on a fresh socket from `localAddress` (127.0.0.x all reach the 127.0.0.1 listener). */
  function callFrom(localAddress: string, id: number): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      const body = sum(id);
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/rpc', method: 'POST', localAddress, agent: false, headers: { 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve((JSON.parse(text) as { error?: { code: number } }).error?.code));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('counts fresh sockets from one address together; another address is served', async () => {
    const codes = [];
    for (let id = 1; id <= 3; id++) codes.push(await callFrom('127.0.0.1', id));
    expect(codes).toEqual([undefined, undefined, -32029]);
    expect(await callFrom('127.0.0.2', 4)).toBeUndefined();
  });
});

// Only Fastify has router options that route path variants to the endpoint's route.
(TEST_PLATFORM === 'fastify' ? describe : describe.skip)('Fastify with caseSensitive: false and ignoreTrailingSlash', () => {
  let app: INestApplication;
  let base: string;
  beforeAll(async () => {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    const adapter = new FastifyAdapter({ routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } });
    app = await NestFactory.create(PlatformModule, adapter, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('still serves the exact path only', async () => {
    for (const path of ['/RPC', '/rpc/']) {
      expect([path, (await postRaw(`${base}${path}`, sum(1))).status, (await postRaw(`${base}${path}`, '{')).status]).toEqual([path, 404, 404]);
    }
    expect(await postRaw(`${base}/rpc`, sum(2))).toMatchObject({ status: 200, json: { result: 3 } });
  });
});

describe(`default limits on ${TEST_PLATFORM}`, () => {
  @Module({ imports: [JsonRpcModule.forRoot()], providers: [SpecExamplesRpc] })
  class DefaultsModule {}

  let server: TestServer;
  beforeAll(async () => {
    server = await startApp(DefaultsModule);
  });
  afterAll(() => server.close());

  // A page that opens with a few hundred calls (issue 14: 150 back-to-back calls met 50 refusals at burst 100).
  it('let 300 back-to-back calls of one page through, over one WebSocket and over HTTP', async () => {
    const client = await TestWsClient.connect(server.wsUrl);
    try {
      for (let id = 1; id <= 300; id++) client.send({ jsonrpc: '2.0', method: 'sum', params: [id, 1], id });
      const answers = [];
      for (let n = 0; n < 300; n++) answers.push((await client.take()) as { error?: unknown });
      expect(answers.filter((answer) => answer.error !== undefined)).toEqual([]);
    } finally {
      client.socket.close();
    }
    const replies = await Promise.all(Array.from({ length: 300 }, (_, id) => postRaw(server.httpUrl, sum(id))));
    expect(replies.filter((reply) => (reply.json as { error?: unknown }).error !== undefined)).toEqual([]);
  });
});
