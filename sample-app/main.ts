import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createOrderDesk } from './bootstrap.js';

const port = Number(process.env['PORT'] ?? 3000);
const host = process.env['HOST'] ?? '127.0.0.1';

const app = await createOrderDesk({
  dbFile: process.env['DB_FILE'] ?? 'sample-app/data/order-desk.sqlite',
  fillAfterMs: Number(process.env['FILL_AFTER_MS'] ?? 5000),
  redisUrl: process.env['REDIS_URL'],
});
app.enableShutdownHooks();
await app.listen(port, host);
const logger = new Logger('OrderDesk');
// The port it got (PORT=0 picks a free one, as the tests do).
const listening = (app.getHttpServer().address() as AddressInfo).port;
logger.log(`Pages     http://${host}:${listening}/ (desk), /admin (operator panel), /api (methods)`);
logger.log(`HTTP      POST http://${host}:${listening}/rpc`);
logger.log(`WebSocket ws://${host}:${listening}/rpc  (Authorization: Bearer alice-token, or ?ticket= from order.ticket)`);
logger.log(`Metrics   http://${host}:${listening}/metrics`);
logger.log(
  'Try: curl -s -H "authorization: Bearer alice-token" -H "content-type: application/json" ' +
    `-d '{"jsonrpc":"2.0","method":"order.submit","params":{"symbol":"ACME","side":"buy","qty":10,"price":12.5},"id":1}' http://${host}:${listening}/rpc`,
);
