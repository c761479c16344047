import type { IncomingMessage } from 'node:http';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Module } from '@nestjs/common';
import { type JsonRpcContext, JsonRpcModule, RpcCtx, RpcMethod, RpcParams, RpcService } from '../../lib/index.js';
import { eventually } from '../support/eventually.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { TestWsClient } from '../support/ws-client.js';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

/** The upgrade requests `authenticate` was handed, held weakly: the library must let them go. */
const upgrades: Array<WeakRef<IncomingMessage>> = [];

@RpcService('fp')
class FootprintRpc {
  @RpcMethod()
  head(@RpcCtx() ctx: JsonRpcContext) {
    const request = ctx.request;
    return {
      same: request === ctx.connection?.upgradeRequest,
      frozen: Object.isFrozen(request),
      stream: typeof (request as Partial<IncomingMessage>).on === 'function',
      method: request.method,
      url: request.url,
      httpVersion: request.httpVersion,
      remoteAddress: request.socket.remoteAddress,
      headers: request.headers,
    };
  }

  @RpcMethod()
  async join(@RpcCtx() ctx: JsonRpcContext, @RpcParams() topics: string[]): Promise<string[]> {
    for (const topic of topics) await ctx.connection!.join(topic);
    return [...ctx.connection!.topics];
  }

  @RpcMethod()
  async leave(@RpcCtx() ctx: JsonRpcContext, @RpcParams() topics: string[]): Promise<string[]> {
    for (const topic of topics) await ctx.connection!.leave(topic);
    return [...ctx.connection!.topics];
  }
}

@Module({
  imports: [
    JsonRpcModule.forRoot({
      authenticate: (request) => {
        if ('on' in request) upgrades.push(new WeakRef(request as IncomingMessage));
        return { id: 'anyone' };
      },
    }),
  ],
  providers: [FootprintRpc],
})
class FootprintModule {}

let server: TestServer;
beforeEach(async () => {
  upgrades.length = 0;
  server = await startApp(FootprintModule);
});
afterEach(() => server.close());

const call = (ws: TestWsClient, method: string, params?: unknown) => ws.request({ jsonrpc: '2.0', method, ...(params !== undefined && { params }), id: 1 });

describe('what a WebSocket connection keeps (a large fleet pays it per socket)', () => {
  it('keeps the head of its upgrade request, not the request: headers but the handshake ones, url, method, socket', async () => {
    const ws = await TestWsClient.connect(`${server.wsUrl}?room=7`, { headers: { 'x-tenant': 'acme', cookie: 'sid=1' } });
    const { result } = (await call(ws, 'fp.head')) as { result: Record<string, unknown> & { headers: Record<string, string> } };
    expect(result).toMatchObject({ same: true, frozen: true, stream: false, method: 'GET', url: '/rpc?room=7', httpVersion: '1.1', remoteAddress: '127.0.0.1' });
    expect(result.headers).toMatchObject({ 'x-tenant': 'acme', cookie: 'sid=1', host: expect.stringContaining('127.0.0.1:') });
    for (const spent of ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'upgrade', 'connection']) expect(result.headers).not.toHaveProperty(spent);
    await ws.close();
  });

  it('lets the upgrade IncomingMessage be collected while the socket stays open', async () => {
    const sockets = await Promise.all(Array.from({ length: 5 }, () => TestWsClient.connect(server.wsUrl)));
    for (const ws of sockets) expect(await call(ws, 'fp.head')).toMatchObject({ result: { same: true } });
    expect(upgrades).toHaveLength(5);
    await eventually(() => {
      gc();
      return upgrades.every((ref) => ref.deref() === undefined);
    });
    // Still served after the requests went.
    for (const ws of sockets) expect(await call(ws, 'fp.head')).toMatchObject({ result: { method: 'GET' } });
    await Promise.all(sockets.map((ws) => ws.close()));
  });

  it('topics: one kept as is, more as a set, the same one joined twice counted once, all left is none', async () => {
    const ws = await TestWsClient.connect(server.wsUrl);
    expect(await call(ws, 'fp.join', ['a'])).toMatchObject({ result: ['a'] });
    expect(await call(ws, 'fp.join', ['a'])).toMatchObject({ result: ['a'] });
    expect(await call(ws, 'fp.join', ['b', 'c'])).toMatchObject({ result: ['a', 'b', 'c'] });
    expect(await call(ws, 'fp.leave', ['a', 'c'])).toMatchObject({ result: ['b'] });
    expect(await call(ws, 'fp.leave', ['b', 'never-joined'])).toMatchObject({ result: [] });
    expect(await call(ws, 'fp.join', ['d'])).toMatchObject({ result: ['d'] });
    expect(await call(ws, 'fp.leave', ['d'])).toMatchObject({ result: [] });
    await ws.close();
  });
});
