import { JsonRpcError, RpcAbortedError, RpcTimeoutError, UnsupportedOperationError } from '../../lib/client/index.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { testAuthenticate } from '../support/tokens.js';
import { eventually } from '../support/eventually.js';
import { clientStats, clientTestModule } from './fixtures/client.rpc.js';
import { closeAll, httpClient } from './client-support.js';

let server: TestServer;

beforeAll(async () => {
  server = await startApp(clientTestModule({ authenticate: testAuthenticate }));
});
afterAll(() => server.close());
afterEach(() => closeAll());

describe('client over HTTP', () => {
  it('calls, notifies and batches with the same API, with the token from auth() on every request', async () => {
    const client = httpClient(server.httpUrl, { auth: () => 'alice' });
    expect(client.state).toBe('open');
    expect(await client.call('t.sum', { a: 2, b: 5 })).toBe(7);
    expect(await client.call('t.me')).toMatchObject({ id: 'alice' });
    client.notify('t.note', { over: 'http' });
    await eventually(() => clientStats.notes.some((n) => JSON.stringify(n) === '{"over":"http"}'));
    const results = await client.batch([
      { method: 't.echo', params: ['one'] },
      { method: 't.fail', params: { code: -32042 } },
      { method: 't.note', params: { batch: 'http' }, notification: true },
    ]);
    expect(results).toEqual([
      { status: 'fulfilled', value: ['one'] },
      { status: 'rejected', reason: expect.any(JsonRpcError) },
      { status: 'fulfilled', value: undefined },
    ]);
  });

  it('a refused token is the server answer (JsonRpcError -32001), not a transport error', async () => {
    const client = httpClient(server.httpUrl, { auth: () => 'Refused-token' });
    await expect(client.call('t.echo', [])).rejects.toMatchObject({ name: 'JsonRpcError', code: -32001 });
  });

  it('timeout and abort reject at once and abort the fetch', async () => {
    const client = httpClient(server.httpUrl, { auth: () => 'alice' });
    await expect(client.call('t.wait', { ms: 300 }, { timeoutMs: 50 })).rejects.toBeInstanceOf(RpcTimeoutError);
    const controller = new AbortController();
    const pending = client.call('t.wait', { ms: 300 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(RpcAbortedError);
    expect(await client.call('t.echo', ['served'])).toEqual(['served']);
  });

  it('rpc.ping answers over HTTP too; rpc.cancel says it needs a WebSocket', async () => {
    const client = httpClient(server.httpUrl, { auth: () => 'alice' });
    expect(await client.call('rpc.ping')).toBe('pong');
    await expect(client.call('rpc.cancel', { id: 1 })).rejects.toMatchObject({ code: -32601, data: { reason: expect.stringMatching(/WebSocket/) } });
  });

  it('after close(), calls reject with NotConnectedError', async () => {
    const client = httpClient(server.httpUrl, { auth: () => 'alice' });
    expect(await client.call('rpc.ping')).toBe('pong');
    await client.close();
    await expect(client.call('rpc.ping')).rejects.toMatchObject({ name: 'NotConnectedError' });
  });

  it('subscriptions and server -> client requests say they need a WebSocket', () => {
    const client = httpClient(server.httpUrl);
    expect(() => client.subscribe('t.numbers', { to: 1 })).toThrow(UnsupportedOperationError);
    expect(() => client.handle('client.confirm', () => true)).toThrow(/WebSocket/);
  });

  it('auto-batching sends the calls of one tick as one POST', async () => {
    const client = httpClient(server.httpUrl, { auth: () => 'alice', autoBatch: { maxSize: 2 } });
    const posts: string[] = [];
    const counting = httpClient(server.httpUrl, {
      auth: () => 'alice',
      autoBatch: { maxSize: 2 },
      fetch: (url, init) => (posts.push(String(init?.body)), fetch(url, init)),
    });
    expect(await Promise.all([counting.call('t.echo', [1]), counting.call('t.echo', [2]), counting.call('t.echo', [3])])).toEqual([[1], [2], [3]]);
    expect(posts.map((body) => (Array.isArray(JSON.parse(body)) ? (JSON.parse(body) as unknown[]).length : 1))).toEqual([2, 1]); // 2 in a batch, then 1 alone
    expect(await client.call('t.echo', ['single'])).toEqual(['single']);
  });
});
