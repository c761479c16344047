import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

export interface TestServer {
  app: INestApplication;
  port: number;
  httpUrl: string;
  wsUrl: string;
  close(): Promise<void>;
}

/** A real app on 127.0.0.1, port 0. Set DEBUG_NEST=1 to see Nest's logs. */
export async function startApp(
  module: Type,
  configure?: (app: INestApplication) => void,
  path = '/rpc',
): Promise<TestServer> {
  const app = await NestFactory.create(module, {
    logger: process.env['DEBUG_NEST'] ? ['log', 'error', 'warn', 'debug'] : false,
    abortOnError: false,
  });
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    port,
    httpUrl: `http://127.0.0.1:${port}${path}`,
    wsUrl: `ws://127.0.0.1:${port}${path}`,
    close: () => app.close(),
  };
}
