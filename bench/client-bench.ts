// `npm run bench:client`: our client against json-rpc-2.0's client, same
// server (ws + json-rpc-2.0's server, in its own process on core 0), each
// client run in its own process on core 1, interleaved and repeated; medians
// and ratios to json-rpc-2.0 from this one run.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ClientLoadResult, ClientLoadSpec } from './client-load.js';

const here = new URL('.', import.meta.url).pathname;
const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 5);
const CLIENTS: ClientLoadSpec['client'][] = ['json-rpc-2.0', 'ours', 'ours-no-timeout'];
const SHAPES = [
  { connections: 1, inFlight: 1, title: '1 connection x 1 in flight' },
  { connections: 10, inFlight: 20, title: '10 connections x 20 in flight' },
];

const command = (core: number, args: string[]): [string, string[]] =>
  pinned ? ['taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args];

function runNode(core: number, args: string[]): Promise<string> {
  const [cmd, argv] = command(core, args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`)))));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const [cmd, argv] = command(0, [here + 'servers/ws-json-rpc-2.js']);
const server = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => createInterface({ input: server.stdout }).once('line', (line) => resolve(Number(line))));
try {
  console.log(`client bench (${pinned ? 'server core 0, client core 1' : 'unpinned'}; ${SECONDS} s x ${REPEATS}, medians; server: ws + json-rpc-2.0)\n`);
  console.log('| shape | client | calls/s | client CPU µs/call | calls/s vs json-rpc-2.0 | CPU/call vs json-rpc-2.0 |');
  console.log('|---|---|---|---|---|---|');
  for (const shape of SHAPES) {
    const runs = new Map<string, ClientLoadResult[]>(CLIENTS.map((c) => [c, []]));
    for (let r = 0; r < REPEATS; r++) {
      for (const client of CLIENTS) {
        const spec: ClientLoadSpec = { client, url: `ws://127.0.0.1:${port}/rpc`, connections: shape.connections, inFlight: shape.inFlight, warmupMs: 500, durationMs: SECONDS * 1000 };
        runs.get(client)!.push(JSON.parse(await runNode(1, [here + 'client-load.js', JSON.stringify(spec)])) as ClientLoadResult);
      }
    }
    const base = runs.get('json-rpc-2.0')!;
    const baseRate = median(base.map((r) => r.callsPerSecond));
    const baseCpu = median(base.map((r) => r.clientCpuUsPerCall));
    for (const client of CLIENTS) {
      const results = runs.get(client)!;
      const rate = median(results.map((r) => r.callsPerSecond));
      const cpu = median(results.map((r) => r.clientCpuUsPerCall));
      const spread = `${Math.round(Math.min(...results.map((r) => r.callsPerSecond)))}-${Math.round(Math.max(...results.map((r) => r.callsPerSecond)))}`;
      console.log(`| ${shape.title} | ${client} | ${Math.round(rate)} (${spread}) | ${cpu.toFixed(1)} | ${(rate / baseRate).toFixed(2)}x | ${(cpu / baseCpu).toFixed(2)}x |`);
    }
  }
} finally {
  server.kill('SIGTERM');
}
