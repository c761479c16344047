// rpc-websockets' Server.
import { Server } from 'rpc-websockets';

const server = new Server({ host: '127.0.0.1', port: 0, path: '/rpc' });
// rpc-websockets namespaces methods by the connection path.
server.register(
  'add',
  (params: unknown) => {
    const [a, b] = params as [number, number];
    return a + b;
  },
  '/rpc',
);
server.on('listening', () => {
  const address = (server as unknown as { wss: { address(): { port: number } } }).wss.address();
  process.stdout.write(`${address.port}\n`);
});
process.once('SIGTERM', () => void server.close().finally(() => process.exit(0)));
