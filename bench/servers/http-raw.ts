// Raw node:http JSON-RPC: the HTTP ceiling.
import { createServer } from 'node:http';
import { announce } from './serve.util.js';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const message = JSON.parse(Buffer.concat(chunks).toString()) as { params: [number, number]; id: unknown } | Array<{ params: [number, number]; id: unknown }>;
    const one = (m: { params: [number, number]; id: unknown }) => ({ jsonrpc: '2.0', result: m.params[0] + m.params[1], id: m.id });
    const body = JSON.stringify(Array.isArray(message) ? message.map(one) : one(message));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => announce(server));
