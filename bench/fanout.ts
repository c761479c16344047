// Fan-out: one publish to 1,000 joined connections, time until the last one
// has it; then sustained publishing, deliveries/s. Once on one node (in-memory
// pub/sub), once across two nodes through a real redis-server (clients on A,
// publisher on B). Servers run in their own processes; this one is the client.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { RedisServer } from '../test/support/redis-server.js';

const CLIENTS = Number(process.env['CLIENTS'] ?? 1000);
const ROUNDS = 15;
const SUSTAINED = 200;

function startNode(env: Record<string, string> = {}): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['dist/bench/fanout-server.js'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ port: Number(line), child }));
    child.once('exit', (code) => reject(new Error(`node exited with ${code}`)));
  });
}

interface Client {
  ws: WebSocket;
  onTick(cb: (n: number) => void): void;
}

async function connectMany(port: number, count: number): Promise<Client[]> {
  const clients: Client[] = [];
  for (let batch = 0; batch < count; batch += 100) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(100, count - batch) }, async () => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc`);
        await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
        let listener: (n: number) => void = () => undefined;
        ws.on('message', (data) => {
          const frame = JSON.parse(data.toString()) as { method?: string; params?: { n: number } };
          if (frame.method === 'tick') listener(frame.params!.n);
        });
        ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'bench.join', params: ['fan'], id: 1 }));
        await new Promise((resolve) => ws.once('message', resolve));
        return { ws, onTick: (cb: (n: number) => void) => void (listener = cb) };
      }),
    );
    clients.push(...opened);
  }
  return clients;
}

async function rpc(port: number, method: string, params: unknown): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }) });
  return ((await res.json()) as { result: unknown }).result;
}

/** Resolves when every client has received `expected` ticks; returns elapsed ms. */
function allReceive(clients: Client[], expected: number): Promise<number> {
  const start = performance.now();
  let done = 0;
  return new Promise((resolve) => {
    for (const client of clients) {
      let got = 0;
      client.onTick(() => {
        if (++got === expected && ++done === clients.length) resolve(performance.now() - start);
      });
    }
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(label: string, clientPort: number, publishPort: number): Promise<void> {
  const clients = await connectMany(clientPort, CLIENTS);
  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const arrived = allReceive(clients, 1);
    await rpc(publishPort, 'bench.publish', ['fan', 1]);
    latencies.push(await arrived);
  }
  const arrived = allReceive(clients, SUSTAINED);
  const publishStart = performance.now();
  await rpc(publishPort, 'bench.publish', ['fan', SUSTAINED]);
  const publishMs = performance.now() - publishStart;
  const totalMs = await arrived;
  console.log(
    `| ${label} | ${CLIENTS} | ${median(latencies).toFixed(1)} ms | ${((SUSTAINED / totalMs) * 1000).toFixed(0)} | ${((SUSTAINED * CLIENTS) / totalMs * 1000).toFixed(0)} | ${((SUSTAINED / publishMs) * 1000).toFixed(0)} |`,
  );
  for (const client of clients) client.ws.terminate();
}

console.log('| setup | connections | one publish -> last delivery (median) | publishes/s sustained | deliveries/s | publish calls/s |');
console.log('|---|---|---|---|---|---|');
const single = await startNode();
await measure('one node, in-memory', single.port, single.port);
single.child.kill('SIGTERM');

const redis = await RedisServer.start();
const nodeA = await startNode({ REDIS_PORT: String(redis.port) });
const nodeB = await startNode({ REDIS_PORT: String(redis.port) });
await measure('two nodes via Redis (clients on A, publish on B)', nodeA.port, nodeB.port);
nodeA.child.kill('SIGTERM');
nodeB.child.kill('SIGTERM');
await redis.stop();
