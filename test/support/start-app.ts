import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { INestApplication, Type } from '@nestjs/common';
import { createTestApp, TEST_PLATFORM, type TestPlatform } from './platform.js';

export interface TestServer {
  app: INestApplication;
  platform: TestPlatform;
  port: number;
  httpUrl: string;
  wsUrl: string;
  close(): Promise<void>;
}

/**
 * A real app on 127.0.0.1, port 0, on the platform JSONRPC_TEST_PLATFORM names
 * (default express). Set DEBUG_NEST=1 to see Nest's logs.
 */
export async function startApp(
  module: Type,
  configure?: (app: INestApplication) => void,
  path = '/rpc',
  platform: TestPlatform = TEST_PLATFORM,
): Promise<TestServer> {
  const app = await createTestApp(module, platform);
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    platform,
    port,
    httpUrl: `http://127.0.0.1:${port}${path}`,
    wsUrl: `ws://127.0.0.1:${port}${path}`,
    close: () => app.close(),
  };
}
