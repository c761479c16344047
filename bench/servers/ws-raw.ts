// The ceiling: `ws` with a hand-written JSON-RPC dispatch (no validation beyond what answering needs).
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { announce } from './serve.util.js';

const methods: Record<string, (params: number[]) => number> = { add: (p) => p[0]! + p[1]! };

function answer(request: { method: string; params: number[]; id: unknown }): unknown {
  const method = Object.hasOwn(methods, request.method) ? methods[request.method] : undefined;
  return method
    ? { jsonrpc: '2.0', result: method(request.params), id: request.id }
    : { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: request.id };
}

const server = createServer();
const wss = new WebSocketServer({ server, path: '/rpc', perMessageDeflate: false, maxPayload: 1 << 20 });
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    socket.send(JSON.stringify(Array.isArray(message) ? message.map(answer) : answer(message)));
  });
});
server.listen(0, '127.0.0.1', () => announce(server));
