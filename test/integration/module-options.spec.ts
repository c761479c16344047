import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JsonRpcModule, RpcMethod, RpcService } from '../../lib/index.js';
import { SpecExamplesRpc } from '../fixtures/spec-examples.rpc.js';
import { postRaw } from '../support/http-client.js';
import { startApp } from '../support/start-app.js';
import { TestWsClient } from '../support/ws-client.js';

const sum = JSON.stringify({ jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 1 });

@Injectable()
class RpcConfig {
  readonly path = '/api/json-rpc';
}

@Module({ providers: [RpcConfig], exports: [RpcConfig] })
class ConfigModule {}

describe('JsonRpcModule.forRootAsync', () => {
  it('takes its options from an injected factory (path applies to HTTP and WS)', async () => {
    @Module({
      imports: [
        JsonRpcModule.forRootAsync({
          imports: [ConfigModule],
          inject: [RpcConfig],
          useFactory: (config: RpcConfig) => ({ path: config.path, limits: { maxBatchSize: 2 } }),
        }),
      ],
      providers: [SpecExamplesRpc],
    })
    class AsyncModule {}
    const server = await startApp(AsyncModule, undefined, '/api/json-rpc');
    try {
      expect(await postRaw(server.httpUrl, sum)).toMatchObject({ status: 200, json: { result: 3 } });
      const client = await TestWsClient.connect(server.wsUrl);
      expect(await client.request({ jsonrpc: '2.0', method: 'sum', params: [2, 2], id: 'w' })).toMatchObject({ result: 4 });
      client.send(JSON.stringify([1, 2, 3].map((id) => ({ jsonrpc: '2.0', method: 'sum', params: [id], id }))));
      expect(await client.take()).toMatchObject({ error: { code: -32600, data: { reason: 'Batch of 3 exceeds the limit of 2' } }, id: null });
      await client.close();
      expect((await postRaw(`http://127.0.0.1:${server.port}/rpc`, sum)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('useClass with createJsonRpcOptions()', async () => {
    @Injectable()
    class OptionsFactory {
      createJsonRpcOptions() {
        return { path: '/from-class' };
      }
    }
    @Module({ imports: [JsonRpcModule.forRootAsync({ useClass: OptionsFactory })], providers: [SpecExamplesRpc] })
    class ClassModule {}
    const server = await startApp(ClassModule, undefined, '/from-class');
    try {
      expect(await postRaw(server.httpUrl, sum)).toMatchObject({ status: 200, json: { result: 3 } });
    } finally {
      await server.close();
    }
  });
});

describe('turning a transport off', () => {
  it('http: false leaves POST {path} to the app (404) and keeps WS', async () => {
    @Module({ imports: [JsonRpcModule.forRoot({ http: false })], providers: [SpecExamplesRpc] })
    class WsOnly {}
    const server = await startApp(WsOnly);
    try {
      expect((await postRaw(server.httpUrl, sum)).status).toBe(404);
      const client = await TestWsClient.connect(server.wsUrl);
      expect(await client.request({ jsonrpc: '2.0', method: 'sum', params: [1], id: 1 })).toMatchObject({ result: 1 });
      await client.close();
    } finally {
      await server.close();
    }
  });

  it('ws: false refuses the upgrade and keeps HTTP', async () => {
    @Module({ imports: [JsonRpcModule.forRoot({ ws: false })], providers: [SpecExamplesRpc] })
    class HttpOnly {}
    const server = await startApp(HttpOnly);
    try {
      await expect(TestWsClient.connect(server.wsUrl)).rejects.toThrow();
      expect(await postRaw(server.httpUrl, sum)).toMatchObject({ status: 200, json: { result: 3 } });
    } finally {
      await server.close();
    }
  });
});

describe('bootstrap fails with a clear message', () => {
  async function boot(providers: Array<new () => unknown>): Promise<unknown> {
    @Module({ imports: [JsonRpcModule.forRoot()], providers })
    class Broken {}
    const app = await NestFactory.create(Broken, { logger: false, abortOnError: false });
    try {
      await app.init();
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await app.close().catch(() => undefined);
    }
  }

  it('on duplicate method names', async () => {
    @RpcService('x')
    class A {
      @RpcMethod('same')
      one(): void {}
    }
    @RpcService('x')
    class B {
      @RpcMethod({ name: 'same' })
      two(): void {}
    }
    expect(String(await boot([A, B]))).toMatch(/"x.same" is declared twice: by A.one and by B.two/);
  });

  it('on names in the reserved rpc.* space', async () => {
    @RpcService('rpc')
    class Reserved {
      @RpcMethod()
      discover(): void {}
    }
    expect(String(await boot([Reserved]))).toMatch(/"rpc.discover" starts with "rpc."/);
  });

  it('on a non-string name', async () => {
    class NotString {
      @RpcMethod({ name: 42 as unknown as string })
      m(): void {}
    }
    expect(String(await boot([NotString]))).toMatch(/NotString.m: the name must be a non-empty string/);
  });

  it('on invalid limits', async () => {
    expect(() => JsonRpcModule.forRoot({ limits: { maxBatchSize: 0 } })).not.toThrow();
    @Module({ imports: [JsonRpcModule.forRoot({ limits: { maxBatchSize: 0 } })] })
    class BadLimits {}
    await expect(NestFactory.create(BadLimits, { logger: false, abortOnError: false })).rejects.toThrow(/limits.maxBatchSize must be a positive integer/);
  });
});
