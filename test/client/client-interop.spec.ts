import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jayson from 'jayson';
import { JSONRPCErrorException, JSONRPCServer } from 'json-rpc-2.0';
import { WebSocketServer } from 'ws';
import { JsonRpcError } from '../../lib/client/index.js';
import { eventually } from '../support/eventually.js';
import { closeAll, httpClient, wsClient } from './client-support.js';

// Servers nobody here wrote: `ws` + json-rpc-2.0's JSONRPCServer, and jayson over HTTP.
const notes: unknown[] = [];
let wsServer: Server;
let wss: WebSocketServer;
let jaysonServer: Server;
let wsUrl: string;
let httpUrl: string;

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  const rpc = new JSONRPCServer({ errorListener: () => undefined }); // it would console.warn each thrown error
  rpc.addMethod('add', (params: [number, number] | { a: number; b: number }) => (Array.isArray(params) ? params[0] + params[1] : params.a + params.b));
  rpc.addMethod('refuse', () => {
    throw new JSONRPCErrorException('refused', -32011, { why: 'test' });
  });
  rpc.addMethod('note', (params: unknown) => void notes.push(params));
  wsServer = createServer();
  wss = new WebSocketServer({ server: wsServer, path: '/rpc' });
  wss.on('connection', (socket) =>
    socket.on('message', (data) => void rpc.receiveJSON(data.toString()).then((response) => response && socket.send(JSON.stringify(response)))),
  );
  wsUrl = `ws://127.0.0.1:${await listen(wsServer)}/rpc`;

  const server = new jayson.Server({
    add: (args: [number, number], callback: (error: null, result: number) => void) => callback(null, args[0] + args[1]),
    refuse: (_args: unknown, callback: (error: { code: number; message: string; data?: unknown }) => void) =>
      callback({ code: -32012, message: 'jayson refused', data: [1] }),
    note: (args: unknown, callback: (error: null, result: null) => void) => (notes.push(args), callback(null, null)),
  });
  jaysonServer = server.http() as unknown as Server;
  httpUrl = `http://127.0.0.1:${await listen(jaysonServer)}/`;
});

afterAll(async () => {
  await closeAll();
  for (const socket of wss.clients) socket.terminate();
  wss.close();
  await Promise.all([wsServer, jaysonServer].map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('our client against ws + json-rpc-2.0 (WebSocket)', () => {
  it('calls (positional and named), gets errors as sent, notifies and batches', async () => {
    const client = wsClient(wsUrl);
    expect(await client.call('add', [2, 3])).toBe(5);
    expect(await client.call('add', { a: 4, b: 5 })).toBe(9);
    const error = (await client.call('refuse').catch((e: unknown) => e)) as JsonRpcError;
    expect(error).toBeInstanceOf(JsonRpcError);
    expect({ code: error.code, message: error.message, data: error.data }).toEqual({ code: -32011, message: 'refused', data: { why: 'test' } });
    await expect(client.call('missing')).rejects.toMatchObject({ code: -32601 });
    client.notify('note', { from: 'ws' });
    await eventually(() => notes.some((n) => JSON.stringify(n) === '{"from":"ws"}'));
    expect(
      await client.batch([
        { method: 'add', params: [1, 1] },
        { method: 'note', params: { in: 'batch' }, notification: true },
        { method: 'refuse' },
      ]),
    ).toEqual([{ status: 'fulfilled', value: 2 }, { status: 'fulfilled', value: undefined }, { status: 'rejected', reason: expect.any(JsonRpcError) }]);
  });
});

describe('our client against jayson (HTTP)', () => {
  it('calls, gets errors as sent, notifies and batches', async () => {
    const client = httpClient(httpUrl);
    expect(await client.call('add', [20, 22])).toBe(42);
    await expect(client.call('refuse', [])).rejects.toMatchObject({ name: 'JsonRpcError', code: -32012, message: 'jayson refused', data: [1] });
    client.notify('note', ['from http']);
    await eventually(() => notes.some((n) => JSON.stringify(n) === '["from http"]'));
    const results = await client.batch([
      { method: 'add', params: [1, 2] },
      { method: 'note', params: ['batched'], notification: true },
      { method: 'refuse', params: [] },
    ]);
    expect(results).toEqual([{ status: 'fulfilled', value: 3 }, { status: 'fulfilled', value: undefined }, { status: 'rejected', reason: expect.any(JsonRpcError) }]);
  });
});
