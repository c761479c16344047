import { type INestApplication, Injectable, Module } from '@nestjs/common';
import { type JsonRpcModuleOptions, JsonRpcModule, type OnRpcDisconnect } from '../../lib/index.js';
import { LimitsRpc } from '../fixtures/protection.rpc.js';
import { SpecExamplesRpc } from '../fixtures/spec-examples.rpc.js';
import { postRaw } from './http-client.js';
import { startApp, type TestServer } from './start-app.js';
import { TestWsClient } from './ws-client.js';

/** Close codes as the server reports them to onRpcDisconnect (reset it in each test that reads it). */
export const closeCodes: number[] = [];

@Injectable()
class CloseCodes implements OnRpcDisconnect {
  onRpcDisconnect(_connection: unknown, code: number): void {
    closeCodes.push(code);
  }
}

/** An app serving the protection fixtures (`limits.*`, `sum`) with these module options. */
export async function appWith(options: JsonRpcModuleOptions, configure?: (app: INestApplication) => void): Promise<TestServer> {
  @Module({ imports: [JsonRpcModule.forRoot(options)], providers: [LimitsRpc, SpecExamplesRpc, CloseCodes] })
  class LimitedModule {}
  return startApp(LimitedModule, configure);
}

export const request = (method: string, params: unknown, id: unknown) => ({ jsonrpc: '2.0', method, params, id });

/** The proof after every limit: another client is served as usual, over both transports. */
export async function stillServing(server: TestServer, headers: Record<string, string> = {}): Promise<void> {
  const ws = await TestWsClient.connect(server.wsUrl, { headers });
  expect(await ws.request(request('sum', [20, 22], 'alive'))).toMatchObject({ result: 42 });
  await ws.close();
  expect((await postRaw(server.httpUrl, JSON.stringify(request('sum', [1, 1], 'alive')), headers)).json).toMatchObject({ result: 2 });
}
