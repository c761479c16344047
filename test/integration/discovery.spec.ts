import { Module, StandardSchemaValidationPipe, ValidationPipe } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JsonRpcModule, type JsonRpcModuleOptions } from '../../lib/index.js';
import { DiscoveryRpc, ROLES_KEY } from '../fixtures/discovery.rpc.js';
import { postRaw } from '../support/http-client.js';
import { validateOpenRpc } from '../support/open-rpc-tools.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { httpDriver, type RpcDriver, wsDriver } from '../support/transports.js';
import { TestWsClient } from '../support/ws-client.js';

interface Principal {
  id: string;
  roles: string[];
}
const PRINCIPALS: Record<string, Principal> = { 'admin-token': { id: 'admin', roles: ['admin'] }, 'user-token': { id: 'user', roles: [] } };
const reflector = new Reflector();

/** The README's example: the app's @Roles rule, read from the handler, hides what the caller could not call. */
const options: JsonRpcModuleOptions = {
  authenticate: (_request, token) => (token ? PRINCIPALS[token] : undefined),
  discovery: {
    title: 'Shop',
    version: '1.2.3',
    filter: (principal, method) => {
      const roles = reflector.get<string[] | undefined>(ROLES_KEY, method.handler);
      return roles === undefined || roles.some((role) => (principal as Principal).roles.includes(role));
    },
  },
};

async function serve(moduleOptions: JsonRpcModuleOptions): Promise<TestServer> {
  @Module({ imports: [JsonRpcModule.forRoot(moduleOptions)], providers: [DiscoveryRpc] })
  class DiscoveryModule {}
  return startApp(DiscoveryModule, (app) => app.useGlobalPipes(new ValidationPipe({ transform: true }), new StandardSchemaValidationPipe()));
}

type Doc = { methods: Method[]; components: { schemas: Record<string, unknown> }; servers: { name: string; url: string }[] } & Record<string, unknown>;
type Method = { name: string; paramStructure: string; params: { name: string; required?: boolean; schema: Record<string, unknown> }[] } & Record<string, unknown>;

const admin = { authorization: 'Bearer admin-token' };
const user = { authorization: 'Bearer user-token' };

async function discoverOver(driver: RpcDriver, headers: Record<string, string>): Promise<Doc> {
  return (await driver.call('rpc.discover', undefined, headers))['result'] as Doc;
}

/** Both transports, as a user (the app authenticates every call). */
async function drivers(server: TestServer): Promise<RpcDriver[]> {
  const http = httpDriver(server);
  const ws = await wsDriver(server, user);
  return [{ ...http, call: (name, params, headers) => http.call(name, params, headers ?? user) }, ws];
}

describe('discovery document', () => {
  let server: TestServer;
  let doc: Doc;
  const method = (name: string) => doc.methods.find((entry) => entry.name === name)!;

  beforeAll(async () => {
    server = await serve(options);
    doc = (await postRaw(server.httpUrl, JSON.stringify({ jsonrpc: '2.0', method: 'rpc.discover', id: 1 }), admin)).json as never;
    doc = (doc as unknown as { result: Doc }).result;
  });
  afterAll(() => server.close());

  it('is valid OpenRPC, with info, servers and the limits as x-limits', async () => {
    expect(await validateOpenRpc(doc)).toBe('valid');
    expect(doc['info']).toEqual({ title: 'Shop', version: '1.2.3' });
    expect(doc.servers).toEqual([
      { name: 'websocket', url: server.wsUrl },
      { name: 'http', url: server.httpUrl },
    ]);
    expect(doc['x-limits']).toMatchObject({ maxBatchSize: 100, maxMessageBytes: 1024 * 1024, ratePerSecond: 100 });
    expect(doc['x-limits']).not.toHaveProperty('maxConnections');
  });

  it('says how each handler takes its params (paramStructure)', () => {
    expect(Object.fromEntries(doc.methods.map((entry) => [entry.name, entry.paramStructure]))).toEqual({
      'shop.create': 'either',
      'shop.rename': 'by-name',
      'shop.add': 'by-position',
      'shop.addNamed': 'either',
      'shop.byKey': 'by-name',
      'shop.legacy': 'either',
      'shop.mirror': 'by-name',
      'shop.points': 'either',
      'shop.audit': 'either',
    });
    expect(method('shop.add').params).toEqual([
      { name: 'arg0', schema: { type: 'number' }, required: true },
      { name: 'arg1', schema: { type: 'number' }, required: true },
    ]);
    expect(method('shop.addNamed').params.map((param) => param.name)).toEqual(['a', 'b']);
    expect(method('shop.byKey').params).toEqual([{ name: 'id', schema: { type: 'number' }, required: true }]);
  });

  it('carries the options of @RpcMethod and @RpcService', () => {
    expect(method('shop.create')).toMatchObject({
      summary: 'Create a customer',
      description: 'Creates one customer with its address and order lines.',
      tags: [{ name: 'shop', description: 'A shop of customers' }, { name: 'demo' }],
      errors: [{ code: 4090, message: 'Customer exists' }],
      result: { name: 'result', schema: { $ref: '#/components/schemas/CustomerDto' } },
    });
    expect(method('shop.rename')['tags']).toEqual([{ name: 'shop', description: 'A shop of customers' }, { name: 'demo' }, { name: 'read' }]);
    expect(method('shop.legacy')).toMatchObject({ deprecated: true, params: [] });
    expect(method('shop.add')).not.toHaveProperty('deprecated');
  });

  it('documents class-validator DTOs: properties as params, nested @Type DTOs and arrays of them under components', () => {
    const params = method('shop.create').params;
    expect(params.map((param) => [param.name, param.required])).toEqual([
      ['name', true],
      ['age', false],
      ['address', true],
      ['lines', true],
    ]);
    expect(params[2]!.schema).toEqual({ $ref: '#/components/schemas/AddressDto' });
    expect(params[3]!.schema).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/LineDto' } });
    expect(Object.keys(doc.components.schemas).sort()).toEqual(['AddressDto', 'CustomerDto', 'LineDto']);
    expect(doc.components.schemas['LineDto']).toMatchObject({ properties: { qty: { type: 'integer', minimum: 1 } }, required: ['sku', 'qty'] });
  });

  it('documents a Standard Schema (Zod) by its own JSON Schema, for params, result and pushed values', () => {
    const zodPoint = { type: 'object', properties: { x: { type: 'number' }, y: { type: 'integer' } }, required: ['x', 'y'] };
    expect(method('shop.mirror').params).toEqual([
      { name: 'x', schema: { type: 'number' }, required: true },
      { name: 'y', schema: expect.objectContaining({ type: 'integer' }), required: true },
    ]);
    expect(method('shop.mirror')['result']).toMatchObject({ schema: { ...zodPoint, properties: { x: { type: 'number' }, y: expect.objectContaining({ type: 'integer' }) } } });
    expect(method('shop.points')).toMatchObject({
      result: { name: 'subscription', schema: { type: 'string' } },
      'x-subscription': { notification: 'shop.points', value: { type: 'object', required: ['x', 'y'] } },
    });
  });

  it('validates Standard Schema params with Nest’s pipe: -32602 with the issues in data, on both transports', async () => {
    for (const driver of await drivers(server)) {
      expect(await driver.call('shop.mirror', { x: 1, y: 2 })).toMatchObject({ result: { x: -1, y: -2 } });
      const refused = await driver.call('shop.mirror', { x: 'one', y: 2.5 });
      expect(refused).toMatchObject({ error: { code: -32602, message: 'Invalid params' } });
      const data = (refused['error'] as { data: string[] }).data;
      expect(data).toEqual([expect.stringMatching(/^x: .*number/i), expect.stringMatching(/^y: .*int/i)]);
      await driver.close();
    }
  });

  it('hides methods through the filter (the @Roles rule), the same over HTTP, WS and GET', async () => {
    const ws = await wsDriver(server, user);
    for (const [headers, audit] of [
      [admin, true],
      [user, false],
    ] as const) {
      const viaHttp = await discoverOver(httpDriver(server), headers);
      expect(viaHttp.methods.some((entry) => entry.name === 'shop.audit')).toBe(audit);
      expect(await discoverOver(ws, headers)).toEqual(viaHttp);
      const get = await fetch(server.httpUrl, { headers });
      expect(get.status).toBe(200);
      expect(get.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await get.json()).toEqual(viaHttp);
    }
    await ws.close();
    // Hiding is not authorization: the guard-free method still answers.
    expect(await httpDriver(server).call('shop.audit', undefined, user)).toMatchObject({ result: 'secret' });
  });

  it('GET {path} needs the same authentication as POST, and only the exact path answers', async () => {
    expect((await fetch(server.httpUrl)).status).toBe(401);
    expect((await fetch(`${server.httpUrl}/other`, { headers: user })).status).toBe(404);
    expect(await httpDriver(server).call('shop.add', [2, 3], user)).toMatchObject({ result: 5 });
  });
});

describe('discovery off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve({ discovery: false });
  });
  afterAll(() => server.close());

  it('answers rpc.discover with -32601 on both transports and GET {path} with 404, and keeps serving', async () => {
    expect(await httpDriver(server).call('rpc.discover')).toMatchObject({ error: { code: -32601 } });
    const ws = await TestWsClient.connect(server.wsUrl);
    expect(await ws.request({ jsonrpc: '2.0', method: 'rpc.discover', id: 1 })).toMatchObject({ error: { code: -32601 } });
    expect(await ws.request({ jsonrpc: '2.0', method: 'shop.add', params: [1, 2], id: 2 })).toMatchObject({ result: 3 });
    await ws.close();
    expect((await fetch(server.httpUrl)).status).toBe(404);
  });
});
