import { from, take, toArray, lastValueFrom } from 'rxjs';
import {
  ConnectionClosedError,
  JsonRpcError,
  NotConnectedError,
  RpcAbortedError,
  RpcTimeoutError,
  type JsonRpcClient,
  type RpcClientOf,
} from '../../lib/client/index.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { eventually } from '../support/eventually.js';
import { TestWsClient } from '../support/ws-client.js';
import { type ClientTestRpc, clientStats, clientTestModule } from './fixtures/client.rpc.js';
import { closeAll, reach, wsClient } from './client-support.js';

let server: TestServer;
let client: JsonRpcClient;

beforeAll(async () => {
  server = await startApp(clientTestModule());
});
afterAll(() => server.close());
beforeEach(() => {
  client = wsClient(server.wsUrl);
});
afterEach(() => closeAll());

describe('client over WebSocket: calls', () => {
  it('calls with named and positional params, notifies, and batches in order', async () => {
    expect(await client.call('t.echo', { a: 1 })).toEqual({ a: 1 });
    expect(await client.call('t.echo', [1, 'two'])).toEqual([1, 'two']);
    expect(await client.call('t.sum', { a: 2, b: 3 })).toBe(5);
    client.notify('t.note', { hello: 'ws' });
    await eventually(() => clientStats.notes.some((n) => JSON.stringify(n) === '{"hello":"ws"}'));
    const results = await client.batch([
      { method: 't.sum', params: { a: 1, b: 1 } },
      { method: 't.note', params: { in: 'batch' }, notification: true },
      { method: 't.fail', params: { code: -32042 } },
      { method: 't.echo', params: ['last'] },
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 2 });
    expect(results[1]).toEqual({ status: 'fulfilled', value: undefined });
    expect(results[2]).toMatchObject({ status: 'rejected', reason: { code: -32042, message: 'failed on purpose' } });
    expect(results[3]).toEqual({ status: 'fulfilled', value: ['last'] });
  });

  it('rejects with JsonRpcError carrying exactly what the server sent', async () => {
    const error = (await client.call('t.fail', { code: -32042 }).catch((e: unknown) => e)) as JsonRpcError;
    expect(error).toBeInstanceOf(JsonRpcError);
    expect({ code: error.code, message: error.message, data: error.data }).toEqual({ code: -32042, message: 'failed on purpose', data: { detail: 'x' } });
    const missing = (await client.call('no.such').catch((e: unknown) => e)) as JsonRpcError;
    expect(missing).toMatchObject({ name: 'JsonRpcError', code: -32601 });
  });

  it('times out: rejects with RpcTimeoutError, sends rpc.cancel, the handler sees its signal aborted', async () => {
    const aborted = clientStats.aborted;
    const error = await client.call('t.wait', { ms: 10_000 }, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcTimeoutError);
    expect(error).not.toBeInstanceOf(JsonRpcError);
    await eventually(() => clientStats.aborted === aborted + 1);
    expect(await client.call('t.echo', ['still served'])).toEqual(['still served']);
  });

  it('aborts with an AbortSignal: RpcAbortedError, rpc.cancel, handler aborted; an already-aborted signal sends nothing', async () => {
    const aborted = clientStats.aborted;
    const controller = new AbortController();
    const pending = client.call('t.wait', { ms: 10_000 }, { signal: controller.signal });
    await client.call('t.echo', []); // the wait is running on the server now
    controller.abort('user left');
    const error = (await pending.catch((e: unknown) => e)) as RpcAbortedError;
    expect(error).toBeInstanceOf(RpcAbortedError);
    expect(error.reason).toBe('user left');
    await eventually(() => clientStats.aborted === aborted + 1);
    const calls = clientStats.calls;
    await expect(client.call('t.echo', [], { signal: controller.signal })).rejects.toBeInstanceOf(RpcAbortedError);
    await client.call('t.sum', { a: 0, b: 0 });
    expect(clientStats.calls).toBe(calls);
  });

  it('the server answers rpc.cancel for a running call with -32800 (raw protocol)', async () => {
    const raw = await TestWsClient.connect(server.wsUrl);
    try {
      raw.send({ jsonrpc: '2.0', method: 't.wait', params: { ms: 10_000 }, id: 'long' });
      await raw.request({ jsonrpc: '2.0', method: 't.echo', params: [], id: 'sync' });
      expect(await raw.request({ jsonrpc: '2.0', method: 'rpc.cancel', params: { id: 'long' }, id: 'c1' })).toEqual({ jsonrpc: '2.0', result: true, id: 'c1' });
      expect(await raw.take((f) => (f as { id?: unknown }).id === 'long')).toEqual({
        jsonrpc: '2.0',
        error: { code: -32800, message: 'Request cancelled' },
        id: 'long',
      });
      expect(await raw.request({ jsonrpc: '2.0', method: 'rpc.cancel', params: ['long'], id: 'c2' })).toMatchObject({ result: false });
      expect(await raw.request({ jsonrpc: '2.0', method: 'rpc.cancel', params: [{}], id: 'c3' })).toMatchObject({ error: { code: -32602 } });
      expect(await raw.request({ jsonrpc: '2.0', method: 'rpc.ping', id: 'p' })).toEqual({ jsonrpc: '2.0', result: 'pong', id: 'p' });
    } finally {
      await raw.close();
    }
  });

  it('rejects pending calls at once when the connection drops; only idempotent ones are sent again', async () => {
    await reach(client, 'open');
    const aborted = clientStats.aborted;
    const pending = client.call('t.wait', { ms: 10_000 });
    const idempotent = client.call('t.wait', { ms: 200 }, { idempotent: true });
    await client.call('t.echo', []); // both run on the server now
    await client.call('t.kick', { code: 1013 });
    const error = (await pending.catch((e: unknown) => e)) as ConnectionClosedError;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error.closeCode).toBe(1013);
    await eventually(() => clientStats.aborted === aborted + 2); // the disconnect aborted both runs
    expect(await idempotent).toBe('done'); // from its second run, on the new connection
    expect(clientStats.aborted).toBe(aborted + 2); // the non-idempotent call was not re-sent
  });

  it('auto-batches the calls of one tick over WebSocket too', async () => {
    const batching = wsClient(server.wsUrl, { autoBatch: true });
    await reach(batching, 'open'); // 150 calls are more than the offline queue holds
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => batching.call('t.echo', [i])));
    expect(answers).toEqual(Array.from({ length: 150 }, (_, i) => [i]));
  });

  it('idleCloseMs closes an unused socket (state idle) and the next call reopens it', async () => {
    const idle = wsClient(server.wsUrl, { idleCloseMs: 50 });
    expect(await idle.call('t.echo', ['first'])).toEqual(['first']);
    await reach(idle, 'idle');
    expect(await idle.call('t.echo', ['again'])).toEqual(['again']);
    expect(idle.state).toBe('open');
  });

  it('queues calls made while connecting, or rejects them with offline: "reject"', async () => {
    const queued = wsClient(server.wsUrl, { lazy: true });
    expect(queued.state).toBe('idle');
    expect(await queued.call('t.echo', ['queued'])).toEqual(['queued']);
    const strict = wsClient(server.wsUrl, { lazy: true, offline: 'reject' });
    await expect(strict.call('t.echo', [])).rejects.toBeInstanceOf(NotConnectedError);
    const bounded = wsClient(server.wsUrl, { maxQueue: 1 });
    const first = bounded.call('t.echo', [1]);
    await expect(bounded.call('t.echo', [2])).rejects.toBeInstanceOf(NotConnectedError);
    expect(await first).toEqual([1]);
  });

  it('after close(), calls reject with NotConnectedError and the state is closed', async () => {
    await reach(client, 'open');
    await client.close();
    expect(client.state).toBe('closed');
    await expect(client.call('t.echo', [])).rejects.toBeInstanceOf(NotConnectedError);
    await expect(client.connect()).rejects.toBeInstanceOf(NotConnectedError);
  });
});

describe('typed proxy at run time', () => {
  it('calls and subscribes through client.proxy<RpcClientOf<...>>()', async () => {
    const t = client.proxy<RpcClientOf<ClientTestRpc>>('t', 'numbers', 'burst', 'broken');
    expect(await t.sum({ a: 20, b: 22 })).toBe(42);
    expect(await t.me()).toBeNull();
    await expect(t.wait({ ms: 10_000 }, { timeoutMs: 20 })).rejects.toBeInstanceOf(RpcTimeoutError);
    const seen: number[] = [];
    for await (const value of t.numbers({ to: 3 })) seen.push(value);
    expect(seen).toEqual([1, 2, 3]);
    expect(await (t as unknown as PromiseLike<unknown>).then).toBeUndefined(); // awaiting the proxy itself is harmless
  });
});

describe('client over WebSocket: subscriptions, notifications, server -> client calls', () => {
  it('a subscription is an async iterable; values sent in the same tick as the answer are not lost', async () => {
    const seen: number[] = [];
    for await (const value of client.subscribe<number>('t.burst', { count: 50 })) seen.push(value);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('buffers values that arrive before anyone consumes them', async () => {
    const sub = client.subscribe<number>('t.burst', { count: 5 });
    await sub.ready;
    await client.call('t.echo', []); // the burst and its completion arrived before this answer
    const seen: number[] = [];
    for await (const value of sub) seen.push(value);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('is an interop Observable (rxjs from()) and tracks the last event id', async () => {
    const sub = client.subscribe<number>('t.numbers', { to: 5 });
    expect(await lastValueFrom(from(sub).pipe(take(5), toArray()))).toEqual([1, 2, 3, 4, 5]);
    expect(sub.lastEventId).toBe(5);
  });

  it('server errors end the subscription with a JsonRpcError; a refused subscribe rejects ready', async () => {
    const broken = client.subscribe<number>('t.broken');
    const seen: number[] = [];
    const error = await (async () => {
      try {
        for await (const value of broken) seen.push(value);
      } catch (e) {
        return e;
      }
    })();
    expect(seen).toEqual([1]);
    expect(error).toMatchObject({ name: 'JsonRpcError', code: -32050 });
    await expect(client.subscribe('t.nothing').ready).rejects.toMatchObject({ code: -32601 });
  });

  it('unsubscribe stops the stream on the server', async () => {
    const sub = client.subscribe<number>('t.numbers', { to: 100_000, everyMs: 5 });
    const iterator = sub[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(1);
    await iterator.return!();
    expect(sub.closed).toBe(true);
  });

  it('hands other notifications to on("notification") and answers server -> client requests with handle()', async () => {
    const received: unknown[] = [];
    client.on('notification', (method, params) => received.push({ method, params }));
    await client.call('t.push', { method: 'news', params: { n: 1 } });
    await eventually(() => received.length === 1);
    expect(received).toEqual([{ method: 'news', params: { n: 1 } }]);
    client.handle('client.confirm', async (params) => ({ confirmed: params }));
    client.handle('client.refuse', () => {
      throw new JsonRpcError({ code: -32077, message: 'no thanks' });
    });
    client.handle('client.crash', () => {
      throw new Error('secret detail');
    });
    expect(await client.call('t.ask', { method: 'client.confirm', params: { order: 7 } })).toEqual({ answer: { confirmed: { order: 7 } } });
    expect(await client.call('t.ask', { method: 'client.refuse' })).toEqual({ error: { code: -32077, message: 'no thanks' } });
    expect(await client.call('t.ask', { method: 'client.crash' })).toEqual({ error: { code: -32603, message: 'Internal error' } });
    expect(await client.call('t.ask', { method: 'client.unknown' })).toEqual({ error: { code: -32601, message: 'Method not found' } });
  });
});
