import { Module } from '@nestjs/common';
import jayson from 'jayson/promise/index.js';
import { JSONRPCClient, JSONRPCErrorException } from 'json-rpc-2.0';
import { Client as RpcWebSocketsClient } from 'rpc-websockets';
import { WebSocket } from 'ws';
import { JsonRpcModule } from '../../lib/index.js';
import { ItemsRpc, MiscRpc } from '../fixtures/features.rpc.js';
import { SpecExamplesRpc } from '../fixtures/spec-examples.rpc.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { ValidationPipe } from '@nestjs/common';

/** Clients nobody here wrote, against our server. */
@Module({ imports: [JsonRpcModule.forRoot()], providers: [SpecExamplesRpc, ItemsRpc, MiscRpc] })
class InteropModule {}

let server: TestServer;
beforeAll(async () => {
  server = await startApp(InteropModule, (app) => app.useGlobalPipes(new ValidationPipe()));
});
afterAll(() => server.close());

describe('json-rpc-2.0 JSONRPCClient over WebSocket', () => {
  let socket: WebSocket;
  let client: JSONRPCClient;

  beforeAll(async () => {
    socket = new WebSocket(server.wsUrl);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    client = new JSONRPCClient((request) => socket.send(JSON.stringify(request)));
    socket.on('message', (data) => client.receive(JSON.parse(data.toString())));
  });
  afterAll(() => socket.close());

  it('gets results, positional and named', async () => {
    expect(await client.request('subtract', [42, 23])).toBe(19);
    expect(await client.request('subtract', { minuend: 1, subtrahend: 3 })).toBe(-2);
  });

  it('gets errors with their code and data', async () => {
    const error = await Promise.resolve(client.request('items.create', { name: '', qty: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JSONRPCErrorException);
    expect((error as JSONRPCErrorException).code).toBe(-32602);
    expect((error as JSONRPCErrorException).data).toContain('name must be longer than or equal to 1 characters');
    await expect(client.request('nope', [])).rejects.toMatchObject({ code: -32601 });
  });

  it('runs its batches', async () => {
    const responses = await client.requestAdvanced([
      { jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 1 },
      { jsonrpc: '2.0', method: 'misc.notFound', id: 2 },
    ]);
    expect(responses).toEqual([
      { jsonrpc: '2.0', result: 3, id: 1 },
      { jsonrpc: '2.0', error: { code: -32004, message: 'Order 5 not found' }, id: 2 },
    ]);
  });
});

describe('jayson HTTP client', () => {
  it('gets results and errors', async () => {
    const client = jayson.Client.http({ host: '127.0.0.1', port: server.port, path: '/rpc' });
    expect(await client.request('sum', [1, 2, 3])).toMatchObject({ jsonrpc: '2.0', result: 6 });
    expect(await client.request('misc.custom', [])).toMatchObject({ error: { code: -32042, message: 'Custom failure', data: { hint: 'retry later' } } });
    expect(await client.request('items.create', { name: 'pen', qty: 2 })).toMatchObject({ result: { created: 'pen', qty: 2 } });
  });

  it('sends batches', async () => {
    const client = jayson.Client.http({ host: '127.0.0.1', port: server.port, path: '/rpc' });
    const batch = [client.request('sum', [1, 1], undefined, false), client.request('subtract', [5, 1], undefined, false)];
    const responses = (await client.request(batch)) as Array<{ result: number }>;
    expect(responses.map((r) => r.result)).toEqual([2, 4]);
  });
});

describe('rpc-websockets Client.call', () => {
  it('gets results and errors', async () => {
    const client = new RpcWebSocketsClient(server.wsUrl, { autoconnect: true, reconnect: false });
    await new Promise<void>((resolve) => client.once('open', () => resolve()));
    try {
      expect(await client.call('subtract', [10, 4])).toBe(6);
      expect(await client.call('subtract', { minuend: 10, subtrahend: 4 })).toBe(6);
      await expect(client.call('misc.conflict', [])).rejects.toMatchObject({ code: -32009, message: 'Conflict' });
      await expect(client.call('nope', [])).rejects.toMatchObject({ code: -32601 });
    } finally {
      client.close();
    }
  });
});
