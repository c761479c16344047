// The client test app as its own process: `node --import ./register.mjs serve.ts <port>`.
// Prints "listening <port>" once it accepts connections.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { clientTestModule } from '../fixtures/client.rpc.js';

const app = await NestFactory.create(clientTestModule({ limits: { maxConnections: 10_000, ratePerSecond: 100_000, rateBurst: 100_000 } }), {
  logger: false,
  abortOnError: false,
});
await app.listen(Number(process.argv[2] ?? 0), '127.0.0.1');
process.stdout.write(`listening ${(app.getHttpServer().address() as AddressInfo).port}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
