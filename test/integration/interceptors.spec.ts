import { InterceptedRpc, InterceptorsModule, trail } from '../fixtures/interceptors.rpc.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { httpDriver, wsDriver, type RpcDriver } from '../support/transports.js';

// The interceptor chain and the pipeline of static handlers are our own
// (synchronous while every step is): these pin the Nest semantics they must keep.
// pipeline-reference.spec.ts compares them with Nest's own, handler by handler.
let server: TestServer;
const drivers: Partial<Record<'http' | 'ws', RpcDriver>> = {};

beforeAll(async () => {
  server = await startApp(InterceptorsModule);
  drivers.http = httpDriver(server);
  drivers.ws = await wsDriver(server);
});

afterAll(async () => {
  await drivers.ws?.close();
  await server?.close();
});

beforeEach(() => {
  trail.length = 0;
});

describe.each(['http', 'ws'] as const)('interceptors over %s', (transport) => {
  const rpc = () => drivers[transport]!;

  it('a global interceptor runs around the handler with context type "json-rpc"', async () => {
    expect(await rpc().call('icp.plain', [5])).toMatchObject({ result: { outer: 5 } });
    expect(trail).toEqual(['outer:before:json-rpc', 'handler', 'outer:after']);
  });

  it('global before method-level, an async intercept() and an async handler compose in order', async () => {
    expect(await rpc().call('icp.later', [21])).toMatchObject({ result: { outer: { inner: 42 } } });
    expect(trail).toEqual(['outer:before:json-rpc', 'async:before', 'handler', 'outer:after']);
  });

  it('an interceptor that answers without next.handle() keeps the handler from running', async () => {
    expect(await rpc().call('icp.cached')).toMatchObject({ result: { outer: 'from cache' } });
    expect(trail).not.toContain('handler');
  });

  it('a handler error reaches the interceptor as an Observable error it can recover from', async () => {
    expect(await rpc().call('icp.fails')).toMatchObject({ result: { outer: 'recovered: boom' } });
  });

  it('resubscribing (retry) runs the handler again', async () => {
    server.app.get(InterceptedRpc).attempts = 0;
    expect(await rpc().call('icp.flaky')).toMatchObject({ result: { outer: 'ok after 3' } });
  });

  it('an Observable result answers with its last value', async () => {
    expect(await rpc().call('icp.stream')).toMatchObject({ result: { outer: 3 } });
  });

  it('the handler runs in the async context next.handle() was called in', async () => {
    expect(await rpc().call('icp.tenant')).toMatchObject({ result: { outer: 'tenant-7' } });
  });

  it('async and Observable guards are awaited; a refusal is -32003 and the handler never runs', async () => {
    expect(await rpc().call('icp.guarded', ['let me'])).toMatchObject({ result: { outer: 'let me' } });
    trail.length = 0;
    expect(await rpc().call('icp.guarded', ['deny'])).toMatchObject({ error: { code: -32003 } });
    expect(trail).toEqual([]);
  });

  it('pipes run method-level first, then the param\'s own, in order, sync and async alike', async () => {
    expect(await rpc().call('icp.piped', ['a', 'b'])).toMatchObject({
      result: { outer: ['a>method(body)>param(body)', 'b>method(body)>async>after(body)'] },
    });
  });

  it('a custom param decorator that returns a Promise is awaited before its pipes', async () => {
    expect(await rpc().call('icp.deferred')).toMatchObject({ result: { outer: 'later>param(custom)' } });
  });

  it('a batch runs the chain for every item', async () => {
    const batch = [1, 2, 3].map((n) => ({ jsonrpc: '2.0', method: 'icp.plain', params: [n], id: n }));
    expect(await rpc().send(JSON.stringify(batch))).toEqual([1, 2, 3].map((n) => ({ jsonrpc: '2.0', result: { outer: n }, id: n })));
    expect(trail.filter((step) => step === 'handler')).toHaveLength(3);
  });
});
