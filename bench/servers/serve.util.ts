import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** Every bench server prints its port on one line, then serves until SIGTERM. */
export function announce(server: Server, close: () => Promise<void> | void = () => void server.close()): void {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  process.once('SIGTERM', () => void Promise.resolve(close()).finally(() => process.exit(0)));
}
