// `ws` + the json-rpc-2.0 package's JSONRPCServer.
import { createServer } from 'node:http';
import { JSONRPCServer } from 'json-rpc-2.0';
import { WebSocketServer } from 'ws';
import { announce } from './serve.util.js';

const rpc = new JSONRPCServer();
rpc.addMethod('add', ([a, b]: [number, number]) => a + b);

const server = createServer();
const wss = new WebSocketServer({ server, path: '/rpc', perMessageDeflate: false, maxPayload: 1 << 20 });
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    void rpc.receiveJSON(data.toString()).then((response) => {
      if (response) socket.send(JSON.stringify(response));
    });
  });
});
server.listen(0, '127.0.0.1', () => announce(server));
