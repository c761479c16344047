import { ValidationPipe } from '@nestjs/common';
import { FeaturesModule } from '../fixtures/features.module.js';
import { seen } from '../fixtures/enhancers.js';
import { SPEC_EXAMPLES } from '../fixtures/spec-examples.js';
import { SpecExamplesRpc } from '../fixtures/spec-examples.rpc.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { httpDriver, wsDriver, type RpcDriver } from '../support/transports.js';

let server: TestServer;
const drivers: Record<'http' | 'ws', RpcDriver> = {} as Record<'http' | 'ws', RpcDriver>;

beforeAll(async () => {
  server = await startApp(FeaturesModule, (app) => app.useGlobalPipes(new ValidationPipe({ transform: true })));
  drivers.http = httpDriver(server);
  drivers.ws = await wsDriver(server);
});

afterAll(async () => {
  await drivers.ws?.close();
  await server?.close();
});


describe.each(['http', 'ws'] as const)('over %s', (transport) => {
  const rpc = () => drivers[transport];

  describe('JSON-RPC 2.0 specification examples', () => {
    it.each(SPEC_EXAMPLES)('$name', async ({ request, response }) => {
      expect(await rpc().send(request)).toEqual(response);
    });

    it('a notification runs though nothing is answered', async () => {
      const service = server.app.get(SpecExamplesRpc);
      const before = service.updates.length;
      expect(await rpc().send('{"jsonrpc": "2.0", "method": "update", "params": ["ran"]}')).toBeUndefined();
      expect(service.updates.slice(before)).toEqual([['ran']]);
    });
  });

  describe('guards', () => {
    it('a global APP_GUARD runs with context type "json-rpc" and can refuse (-32003)', async () => {
      seen.types.length = 0;
      expect(await rpc().call('get_data')).toMatchObject({ result: ['hello', 5] });
      expect(seen.types).toContain('json-rpc');
      expect(await rpc().call('get_data', undefined, { 'x-block': 'yes' })).toEqual({
        jsonrpc: '2.0',
        error: { code: -32003, message: 'Forbidden resource' },
        id: expect.any(Number),
      });
    });

    it('class-level roles via Reflector; method metadata overrides', async () => {
      expect(await rpc().call('admin.stats', undefined, { authorization: 'Bearer admin' })).toMatchObject({ result: { users: 3 } });
      expect(await rpc().call('admin.stats', undefined, { authorization: 'Bearer auditor' })).toMatchObject({ error: { code: -32003 } });
      expect(await rpc().call('admin.stats')).toMatchObject({ error: { code: -32003 } });
      expect(await rpc().call('admin.audit', undefined, { authorization: 'Bearer auditor' })).toMatchObject({ result: 'audited' });
    });

    it('a method-level guard refuses even an admin', async () => {
      expect(await rpc().call('admin.never', undefined, { authorization: 'Bearer admin' })).toMatchObject({ error: { code: -32003, message: 'Forbidden resource' } });
    });
  });

  describe('pipes', () => {
    it('the global ValidationPipe validates a DTO: -32602 with the messages in data', async () => {
      expect(await rpc().call('items.create', { name: 'pen', qty: 3 })).toMatchObject({ result: { created: 'pen', qty: 3, isDto: true } });
      const reply = await rpc().call('items.create', { name: '', qty: 0 });
      expect(reply).toEqual({
        jsonrpc: '2.0',
        error: {
          code: -32602,
          message: 'Invalid params',
          data: expect.arrayContaining(['name must be longer than or equal to 1 characters', 'qty must not be less than 1']),
        },
        id: reply['id'],
      });
    });

    it('a method-level ValidationPipe (forbidNonWhitelisted)', async () => {
      expect(await rpc().call('items.strict', { name: 'pen', qty: 1 })).toMatchObject({ result: 'pen' });
      expect(await rpc().call('items.strict', { name: 'pen', qty: 1, admin: true })).toMatchObject({
        error: { code: -32602, data: ['property admin should not exist'] },
      });
    });

    it('positional params reach a DTO through paramNames', async () => {
      expect(await rpc().call('items.norm', [3, -4])).toMatchObject({ result: 7 });
      expect(await rpc().call('items.norm', { x: 1, y: 2 })).toMatchObject({ result: 3 });
      expect(await rpc().call('items.norm', ['a', 2])).toMatchObject({ error: { code: -32602, data: ['x must be an integer number'] } });
    });

    it('keyed @RpcParams, @RpcId and @RpcCtx', async () => {
      const reply = await rpc().call('items.pick', { name: 'pen', qty: 2 });
      expect(reply['result']).toEqual({ name: 'pen', qty: 2, id: reply['id'], transport, method: 'items.pick', notification: false });
    });

    it('a custom createParamDecorator() decorator works beside @RpcParams', async () => {
      expect(await rpc().call('items.header', { n: 5 }, { 'x-tenant': 'acme' })).toMatchObject({ result: 'acme:5' });
    });

    it('an undecorated handler receives positional params as its arguments', async () => {
      expect(await rpc().call('misc.add', [2, 3])).toMatchObject({ result: 5 });
    });
  });

  describe('interceptors, filters and error mapping', () => {
    it('an interceptor transforms the result', async () => {
      expect(await rpc().call('misc.wrapped')).toMatchObject({ result: { wrapped: 42 } });
    });

    it('an Observable result answers with its last value', async () => {
      expect(await rpc().call('misc.observable')).toMatchObject({ result: 3 });
    });

    it('an exception filter that returns a value makes it the result', async () => {
      expect(await rpc().call('misc.recover')).toMatchObject({ result: { recovered: true, type: 'json-rpc' } });
    });

    it('an exception filter that returns a JsonRpcException makes it the error', async () => {
      expect(await rpc().call('misc.mapped')).toMatchObject({ error: { code: -32050, message: 'Mapped by filter', data: { original: 'bad type' } } });
    });

    it('JsonRpcException is sent as thrown; HttpExceptions map to -32000 - (status - 400)', async () => {
      expect(await rpc().call('misc.custom')).toMatchObject({ error: { code: -32042, message: 'Custom failure', data: { hint: 'retry later' } } });
      expect(await rpc().call('misc.notFound')).toMatchObject({ error: { code: -32004, message: 'Order 5 not found' } });
      expect(await rpc().call('misc.conflict')).toMatchObject({ error: { code: -32009, message: 'Conflict' } });
    });

    it('unexpected errors and 5xx are a bare -32603: nothing leaks', async () => {
      for (const method of ['misc.crash', 'misc.serverError']) {
        const reply = await rpc().call(method);
        expect(reply['error']).toEqual({ code: -32603, message: 'Internal error' });
        expect(JSON.stringify(reply)).not.toMatch(/secret|hunter2|srv/);
      }
    });

    it('a result JSON cannot represent is -32603 for that call', async () => {
      expect(await rpc().call('misc.bigint')).toMatchObject({ error: { code: -32603 } });
    });
  });

  describe('method lookup and prototype safety', () => {
    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'items.constructor', 'misc.__proto__'])('"%s" is -32601', async (method) => {
      expect(await rpc().call(method)).toMatchObject({ error: { code: -32601, message: 'Method not found' } });
    });

    it('__proto__ and constructor keys in params pollute nothing', async () => {
      const raw = '{"jsonrpc":"2.0","method":"misc.merge","id":"p","params":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"a":1}}';
      const reply = (await rpc().send(raw)) as { result: Record<string, unknown> };
      expect(reply.result).toEqual({ keys: ['constructor', 'a'], targetProtoIsObject: true, polluted: null, deepKeys: ['constructor', 'a'] });
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      // A DTO-typed method with transform: true (class-transformer) must not be polluted either.
      await rpc().send('{"jsonrpc":"2.0","method":"items.create","id":"q","params":{"name":"x","qty":1,"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}}');
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  });

  it('a request-scoped host gets a fresh instance per call', async () => {
    const first = (await rpc().call('scoped.whoami'))['result'] as { instance: number; method: string };
    const second = (await rpc().call('scoped.whoami'))['result'] as { instance: number; method: string };
    expect(first.method).toBe('scoped.whoami');
    expect(second.instance).toBeGreaterThan(first.instance);
  });
});
