// jayson's HTTP server.
import jayson from 'jayson';
import type { Server } from 'node:http';
import { announce } from './serve.util.js';

const rpc = new jayson.Server({
  add: (args: [number, number], callback: (error: null, result: number) => void) => callback(null, args[0] + args[1]),
});
const server = rpc.http() as unknown as Server;
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => announce(server));
