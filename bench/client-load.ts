// One client-bench run in its own process: `node client-load.js <json spec>`.
// Keeps `inFlight` add([a,b]) calls outstanding on each of `connections`
// sockets, checks every answer, prints one JSON line with calls/s and this
// process's CPU per call (the client's cost; the server runs elsewhere).
import { JSONRPCClient } from 'json-rpc-2.0';
import { WebSocket } from 'ws';
import { JsonRpcClient, type JsonRpcClientOptions } from '../lib/client/index.js';

export interface ClientLoadSpec {
  client: 'ours' | 'ours-no-timeout' | 'json-rpc-2.0';
  url: string;
  connections: number;
  inFlight: number;
  warmupMs: number;
  durationMs: number;
}

export interface ClientLoadResult {
  callsPerSecond: number;
  clientCpuUsPerCall: number;
}

type Add = (a: number, b: number) => PromiseLike<unknown>;

async function ours(url: string, timeoutMs: number | undefined): Promise<Add> {
  const client = new JsonRpcClient({ url, WebSocket: WebSocket as unknown as JsonRpcClientOptions['WebSocket'], timeoutMs });
  await client.connect();
  return (a, b) => client.call('add', [a, b]);
}

async function theirs(url: string): Promise<Add> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const client = new JSONRPCClient((request) => socket.send(JSON.stringify(request)));
  socket.on('message', (data) => client.receive(JSON.parse(data.toString())));
  return (a, b) => client.request('add', [a, b]);
}

const spec = JSON.parse(process.argv[2]!) as ClientLoadSpec;
const adders = await Promise.all(
  Array.from({ length: spec.connections }, () =>
    spec.client === 'json-rpc-2.0' ? theirs(spec.url) : ours(spec.url, spec.client === 'ours-no-timeout' ? 0 : undefined),
  ),
);

let calls = 0;
let running = true;
async function loop(add: Add, seed: number): Promise<void> {
  for (let i = seed; running; i++) {
    const result = await add(i, 1);
    if (result !== i + 1) throw new Error(`wrong answer ${String(result)} for ${i}+1`);
    calls++;
  }
}
const loops = adders.flatMap((add, c) => Array.from({ length: spec.inFlight }, (_, k) => loop(add, (c * spec.inFlight + k) * 1e6)));
await new Promise((resolve) => setTimeout(resolve, spec.warmupMs));
const startCalls = calls;
const startCpu = process.cpuUsage();
const startedAt = performance.now();
await new Promise((resolve) => setTimeout(resolve, spec.durationMs));
const done = calls - startCalls;
const cpu = process.cpuUsage(startCpu);
const seconds = (performance.now() - startedAt) / 1000;
running = false;
await Promise.all(loops);
const result: ClientLoadResult = { callsPerSecond: done / seconds, clientCpuUsPerCall: (cpu.user + cpu.system) / done };
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
