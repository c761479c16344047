import v8 from 'node:v8';
import vm from 'node:vm';
import { Module } from '@nestjs/common';
import fc from 'fast-check';
import { JsonRpcModule } from '../../lib/index.js';
import { LimitsRpc } from '../fixtures/protection.rpc.js';
import { SpecExamplesRpc } from '../fixtures/spec-examples.rpc.js';
import { postRaw } from '../support/http-client.js';
import { isAnswer } from '../support/response-shape.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { TestWsClient } from '../support/ws-client.js';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

@Module({
  imports: [JsonRpcModule.forRoot({ limits: { ratePerSecond: 1_000_000, rateBurst: 1_000_000 } })],
  providers: [SpecExamplesRpc, LimitsRpc],
})
class HostileModule {}

const MiB = 1024 * 1024;
const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

let server: TestServer;
beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startApp(HostileModule);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server.close();
});

/** Hostile payloads, as text or bytes, with what a well-behaved server answers. */
const hostile: Array<{ name: string; payload: () => string | Buffer; expect: (answer: unknown) => void }> = [
  { name: 'binary garbage', payload: () => Buffer.from([0xff, 0x00, 0xfe, 0x13, 0x37, 0x80]), expect: (a) => expect(a).toMatchObject({ error: { code: -32700 } }) },
  { name: 'invalid UTF-8 inside JSON', payload: () => Buffer.concat([Buffer.from('{"jsonrpc":"2.0","method":"sum","params":["'), Buffer.from([0xc3, 0x28]), Buffer.from('"],"id":1}')]), expect: (a) => expect(isAnswer(a)).toBe(true) },
  { name: '100k-level nested arrays as the message', payload: () => deep(100_000), expect: (a) => expect(a).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: -32600 }) })]) },
  { name: '100k-level nested params', payload: () => `{"jsonrpc":"2.0","method":"limits.echo","params":${deep(100_000)},"id":1}`, expect: (a) => expect(a).toMatchObject({ error: { code: -32602 }, id: 1 }) },
  { name: 'a batch of 100k items', payload: () => '[' + Array(100_000).fill('{}').join(',') + ']', expect: (a) => expect(a).toMatchObject({ error: { code: -32600 }, id: null }) },
  { name: 'an id over 2^53', payload: () => '{"jsonrpc":"2.0","method":"sum","params":[1],"id":9007199254740993}', expect: (a) => expect(a).toMatchObject({ result: 1, id: 9007199254740992 }) },
  { name: 'an id of 1e400 (Infinity)', payload: () => '{"jsonrpc":"2.0","method":"sum","params":[1],"id":1e400}', expect: (a) => expect(a).toMatchObject({ error: { code: -32600 }, id: null }) },
  { name: 'lone surrogates', payload: () => '{"jsonrpc":"2.0","method":"limits.echo","params":["\\ud800x\\udfff"],"id":"\\udc00"}', expect: (a) => expect(a).toEqual({ jsonrpc: '2.0', result: '\ud800x\udfff', id: '\udc00' }) },
  // JSON.parse turns 1e400 into Infinity: refused, never handed to a handler (nor echoed as null).
  { name: 'huge numbers', payload: () => '{"jsonrpc":"2.0","method":"limits.echo","params":[1e400],"id":1}', expect: (a) => expect(a).toMatchObject({ error: { code: -32602 }, id: 1 }) },
  { name: 'huge numbers, nested', payload: () => '{"jsonrpc":"2.0","method":"limits.echo","params":{"a":[{"b":-1e400}]},"id":1}', expect: (a) => expect(a).toMatchObject({ error: { code: -32602 }, id: 1 }) },
  { name: 'duplicate keys (the last wins)', payload: () => '{"jsonrpc":"2.0","method":"nope","method":"sum","params":[2],"params":[3],"id":1}', expect: (a) => expect(a).toMatchObject({ result: 3 }) },
  {
    name: '__proto__ and constructor everywhere',
    payload: () => '{"__proto__":{"jsonrpc":"2.0"},"constructor":{"prototype":{"x":1}},"jsonrpc":"2.0","method":"constructor","params":{"__proto__":{"polluted":1}},"id":{"__proto__":1}}',
    expect: (a) => expect(a).toMatchObject({ error: { code: -32600 }, id: null }),
  },
  { name: 'method __proto__ with valid envelope', payload: () => '{"jsonrpc":"2.0","method":"__proto__","params":{"__proto__":{"polluted":1}},"id":2}', expect: (a) => expect(a).toMatchObject({ error: { code: -32601 }, id: 2 }) },
];

async function probeWs(): Promise<void> {
  const ws = await TestWsClient.connect(server.wsUrl);
  expect(await ws.request({ jsonrpc: '2.0', method: 'sum', params: [40, 2], id: 'probe' })).toMatchObject({ result: 42 });
  await ws.close();
}

async function probeHttp(): Promise<void> {
  expect((await postRaw(server.httpUrl, '{"jsonrpc":"2.0","method":"sum","params":[40,2],"id":"probe"}')).json).toMatchObject({ result: 42 });
}

describe('hostile input over WebSocket (binary frames) and HTTP', () => {
  it.each(hostile)('$name', async ({ payload, expect: check }) => {
    const ws = await TestWsClient.connect(server.wsUrl);
    const body = payload();
    ws.send(Buffer.isBuffer(body) ? body : Buffer.from(body));
    check(await ws.take());
    await ws.close();
    const reply = await postRaw(server.httpUrl, body);
    expect(reply.status).toBe(200);
    check(reply.json);
    await probeWs();
    await probeHttp();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a text frame with invalid UTF-8 closes that socket with 1007; others unaffected', async () => {
    const ws = await TestWsClient.connect(server.wsUrl);
    ws.socket.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false });
    expect((await ws.closed).code).toBe(1007);
    await probeWs();
  });

  it('a 10 MB frame closes with 1009; a 10 MB body gets 413', async () => {
    const big = '"' + 'x'.repeat(10 * MiB) + '"';
    const ws = await TestWsClient.connect(server.wsUrl);
    ws.send(big);
    expect((await ws.closed).code).toBe(1009);
    expect((await postRaw(server.httpUrl, big)).status).toBe(413);
    await probeWs();
    await probeHttp();
  });

  it('a message in 10k tiny fragments is reassembled and answered', async () => {
    const ws = await TestWsClient.connect(server.wsUrl);
    const text = JSON.stringify({ jsonrpc: '2.0', method: 'limits.echo', params: ['y'.repeat(10_000)], id: 'frag' });
    const pieces = text.match(/.{1,1}/gs)!.slice(0, 10_000);
    const rest = text.slice(pieces.join('').length);
    for (const piece of pieces) ws.socket.send(piece, { fin: false });
    ws.socket.send(rest, { fin: true });
    expect(await ws.take(() => true, 10_000)).toMatchObject({ result: 'y'.repeat(10_000), id: 'frag' });
    await ws.close();
  });

  it('no unhandled rejection, and memory back near its baseline after 200 rounds of all of it', async () => {
    gc();
    const baseline = process.memoryUsage().heapUsed;
    for (let round = 0; round < 200; round++) {
      const ws = await TestWsClient.connect(server.wsUrl);
      for (const { payload } of hostile) ws.send(payload());
      for (let i = 0; i < hostile.length; i++) await ws.take();
      await ws.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();
    const growth = process.memoryUsage().heapUsed - baseline;
    expect(growth).toBeLessThan(20 * MiB);
    expect(unhandled).toEqual([]);
  }, 60_000);
});

describe('a live server under property-based fuzzing', () => {
  const frames = fc.oneof(
    fc.string(),
    fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc
      .record({ jsonrpc: fc.constantFrom('2.0', '1.0'), method: fc.constantFrom('sum', 'limits.echo', 'rpc.unsubscribe', 'rpc.authenticate', 'x'), params: fc.jsonValue(), id: fc.jsonValue() }, { requiredKeys: ['method'] })
      .map((value) => JSON.stringify(value)),
  );

  it('survives random frames and bodies, answering a probe after each run', async () => {
    const ws = await TestWsClient.connect(server.wsUrl);
    await fc.assert(
      fc.asyncProperty(fc.array(frames, { minLength: 1, maxLength: 10 }), async (batch) => {
        for (const frame of batch) {
          ws.socket.send(frame, { binary: true });
          const reply = await postRaw(server.httpUrl, frame);
          expect([200, 204]).toContain(reply.status);
          if (reply.status === 200) expect(isAnswer(reply.json)).toBe(true);
        }
        expect(await ws.request({ jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 'probe' })).toMatchObject({ result: 3 });
        for (const answer of ws.pending) expect(isAnswer(answer)).toBe(true);
        (ws.pending as unknown[]).length = 0;
      }),
      { numRuns: 150 },
    );
    await ws.close();
    await probeHttp();
  }, 60_000);
});

