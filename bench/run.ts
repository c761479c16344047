// `npm run bench`: every server in its own process pinned to core 0, the load
// generator in another pinned to core 1, interleaved, repeated, medians
// reported. Prints one Markdown table, writes bench/results/latest.json.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LoadResult, LoadSpec } from './load.js';

interface ServerDef {
  name: string;
  script: string;
  args?: string[];
  path: string;
  protocol: LoadSpec['protocol'];
}

const SERVERS: Record<string, ServerDef> = {
  'lib-bare': { name: 'this library, bare', script: 'servers/json-rpc-lib.js', args: ['bare'], path: '/rpc', protocol: 'jsonrpc' },
  'lib-guard': { name: 'this library, global guard + interceptor', script: 'servers/json-rpc-lib.js', args: ['guard'], path: '/rpc', protocol: 'jsonrpc' },
  'lib-full': { name: 'this library, guard + ValidationPipe(DTO) + interceptor', script: 'servers/json-rpc-lib.js', args: ['full'], path: '/rpc', protocol: 'jsonrpc' },
  'lib-zod': { name: 'this library, guard + Standard Schema (Zod) params + interceptor', script: 'servers/json-rpc-lib.js', args: ['zod'], path: '/rpc', protocol: 'jsonrpc' },
  'ws-raw': { name: 'ws + hand-written dispatch (ceiling)', script: 'servers/ws-raw.js', path: '/rpc', protocol: 'jsonrpc' },
  'ws-jsonrpc2': { name: 'ws + json-rpc-2.0', script: 'servers/ws-json-rpc-2.js', path: '/rpc', protocol: 'jsonrpc' },
  'rpc-websockets': { name: 'rpc-websockets', script: 'servers/rpc-websockets.js', path: '/rpc', protocol: 'jsonrpc' },
  'nest-gateway': { name: 'Nest @SubscribeMessage gateway (no enhancers)', script: 'servers/nest-gateway.js', path: '/rpc', protocol: 'gateway' },
  'http-raw': { name: 'node:http hand-written (ceiling)', script: 'servers/http-raw.js', path: '/rpc', protocol: 'jsonrpc' },
  jayson: { name: 'jayson', script: 'servers/jayson.js', path: '/', protocol: 'jsonrpc' },
  'nest-post-bare': { name: 'Nest @Post, no enhancers (floor)', script: 'servers/nest-http.js', args: ['bare'], path: '/add', protocol: 'rest' },
  'nest-post-full': { name: 'Nest @Post, guard + ValidationPipe(DTO) + interceptor', script: 'servers/nest-http.js', args: ['full'], path: '/add', protocol: 'rest' },
  'lib-fastify-bare': { name: 'this library on Fastify, bare', script: 'servers/json-rpc-lib.js', args: ['bare', 'fastify'], path: '/rpc', protocol: 'jsonrpc' },
  'lib-fastify-full': { name: 'this library on Fastify, guard + ValidationPipe(DTO) + interceptor', script: 'servers/json-rpc-lib.js', args: ['full', 'fastify'], path: '/rpc', protocol: 'jsonrpc' },
  'nest-post-fastify-bare': { name: 'Nest @Post on Fastify, no enhancers (floor)', script: 'servers/nest-http.js', args: ['bare', 'fastify'], path: '/add', protocol: 'rest' },
};

interface Scenario {
  id: string;
  title: string;
  mode: LoadSpec['mode'];
  connections: number;
  inFlight: number;
  batch: number;
  servers: string[];
  /** Ratios are against this server's figure. */
  ceiling: string;
}

const WS_SERVERS = ['lib-bare', 'lib-guard', 'lib-full', 'lib-zod', 'ws-raw', 'ws-jsonrpc2', 'rpc-websockets', 'nest-gateway'];
const SCENARIOS: Scenario[] = [
  { id: 'ws-50x10', title: 'WS add([a,b]), 50 connections x 10 in flight', mode: 'ws', connections: 50, inFlight: 10, batch: 1, servers: WS_SERVERS, ceiling: 'ws-raw' },
  { id: 'ws-1x1', title: 'WS, 1 connection x 1 in flight (latency)', mode: 'ws', connections: 1, inFlight: 1, batch: 1, servers: WS_SERVERS, ceiling: 'ws-raw' },
  { id: 'ws-batch10', title: 'WS batches of 10, 50 x 2 in flight', mode: 'ws', connections: 50, inFlight: 2, batch: 10, servers: ['lib-bare', 'lib-guard', 'ws-raw', 'ws-jsonrpc2'], ceiling: 'ws-raw' },
  { id: 'http-50', title: 'HTTP keep-alive, 50 connections', mode: 'http', connections: 50, inFlight: 1, batch: 1, servers: ['lib-bare', 'lib-full', 'lib-zod', 'lib-fastify-bare', 'lib-fastify-full', 'nest-post-bare', 'nest-post-full', 'nest-post-fastify-bare', 'http-raw', 'jayson'], ceiling: 'http-raw' },
  { id: 'http-batch10', title: 'HTTP keep-alive, batches of 10, 50 connections', mode: 'http', connections: 50, inFlight: 1, batch: 10, servers: ['lib-bare', 'lib-fastify-bare', 'http-raw'], ceiling: 'http-raw' },
];
const IDLE_SERVERS = ['lib-bare', 'ws-raw', 'nest-gateway'];

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 3);
const IDLE_CONNECTIONS = Number(process.env['BENCH_IDLE'] ?? 5000);
/** `BENCH_ONLY=ws-batch10,idle`: run just these scenarios (ids as in SCENARIOS, plus `idle`). */
const ONLY = process.env['BENCH_ONLY']?.split(',').map((id) => id.trim());
const selected = (id: string) => !ONLY || ONLY.includes(id);
const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const here = new URL('.', import.meta.url).pathname;

function nodeCommand(core: number, args: string[]): [string, string[]] {
  return pinned ? ['taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args];
}

async function startServer(def: ServerDef): Promise<{ port: number; child: ChildProcess }> {
  const [command, args] = nodeCommand(0, [here + def.script, ...(def.args ?? [])]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ port: Number(line), child }));
    child.once('exit', (code) => reject(new Error(`${def.name} exited with ${code}`)));
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const [command, args] = nodeCommand(1, [here + 'load.js', JSON.stringify(spec)]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator failed (${code}) for ${spec.url}`)))),
  );
}

/** The real pid of the server (taskset execs node in place, so the child pid is node's). */
async function measureOnce(scenario: Scenario, key: string): Promise<LoadResult> {
  const def = SERVERS[key]!;
  const { port, child } = await startServer(def);
  try {
    const scheme = scenario.mode === 'http' ? 'http' : 'ws';
    return await runLoad({
      mode: scenario.mode,
      url: `${scheme}://127.0.0.1:${port}${def.path}`,
      protocol: def.protocol,
      connections: scenario.connections,
      inFlight: scenario.inFlight,
      batch: scenario.batch,
      warmupMs: 2000,
      durationMs: SECONDS * 1000,
      serverPid: child.pid!,
    });
  } finally {
    await stopServer(child);
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

function medianResult(results: LoadResult[]): LoadResult {
  const keys = Object.keys(results[0]!) as Array<keyof LoadResult>;
  return Object.fromEntries(keys.map((k) => [k, median(results.map((r) => r[k] as number))])) as unknown as LoadResult;
}

const results: Record<string, Record<string, LoadResult>> = {};
const lines: string[] = [];
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

console.error(`bench: ${REPEATS} repeats x ${SECONDS}s per row, ${pinned ? 'server on core 0, load on core 1' : 'no taskset: unpinned'}`);
for (const scenario of SCENARIOS.filter((s) => selected(s.id))) {
  const runs: Record<string, LoadResult[]> = {};
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    // Interleaved, rotating the order each repeat, so drift hits every server alike.
    const order = scenario.servers.map((_, i) => scenario.servers[(i + repeat) % scenario.servers.length]!);
    for (const key of order) {
      const result = await measureOnce(scenario, key);
      (runs[key] ??= []).push(result);
      console.error(`  ${scenario.id} ${key}: ${fmt(result.callsPerSecond, 0)} calls/s, ${fmt(result.serverCpuUsPerCall)} us/call`);
    }
  }
  results[scenario.id] = Object.fromEntries(Object.entries(runs).map(([key, list]) => [key, medianResult(list)]));
  const table = results[scenario.id]!;
  const ceiling = table[scenario.ceiling]!;
  const peer = table[scenario.mode === 'http' ? 'nest-post-bare' : 'ws-jsonrpc2'];
  lines.push(`\n**${scenario.title}** (medians of ${REPEATS})\n`);
  lines.push(`| server | calls/s | p50 ms | p99 ms | server CPU us/call | CPU/call vs ceiling | CPU/call vs ${scenario.mode === 'http' ? 'Nest @Post floor' : 'ws + json-rpc-2.0'} | calls/s vs ceiling | load-gen CPU % |`);
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const key of scenario.servers) {
    const r = table[key]!;
    lines.push(
      `| ${SERVERS[key]!.name} | ${fmt(r.callsPerSecond, 0)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.serverCpuUsPerCall)} | ${fmt(r.serverCpuUsPerCall / ceiling.serverCpuUsPerCall, 2)}x | ${peer ? fmt(r.serverCpuUsPerCall / peer.serverCpuUsPerCall, 2) + 'x' : '-'} | ${fmt(r.callsPerSecond / ceiling.callsPerSecond, 2)}x | ${fmt(r.loadCpuPercent, 0)} |`,
    );
  }
  // Every row of this library against every peer row of the same run (CPU per call; lower is better).
  const ours = scenario.servers.filter((key) => key.startsWith('lib-'));
  const peers = scenario.servers.filter((key) => !key.startsWith('lib-'));
  lines.push('');
  for (const key of ours) {
    const cpu = table[key]!.serverCpuUsPerCall;
    // A Fastify row is also measured against the same pipeline on Express (issue 14's target).
    const onExpress = key.includes('-fastify-') ? table[key.replace('-fastify-', '-')] : undefined;
    const sameOnExpress = onExpress ? `, the same on Express ${fmt(cpu / onExpress.serverCpuUsPerCall, 2)}x` : '';
    lines.push(`- ${SERVERS[key]!.name}, CPU per call vs ${peers.map((other) => `${SERVERS[other]!.name} ${fmt(cpu / table[other]!.serverCpuUsPerCall, 2)}x`).join(', ')}${sameOnExpress}`);
  }
}

const idle: Record<string, Partial<LoadResult>> = {};
for (const key of selected('idle') ? IDLE_SERVERS : []) {
  for (const connections of [IDLE_CONNECTIONS, 10_000]) {
    const def = SERVERS[key]!;
    const { port, child } = await startServer(def);
    try {
      const [command, args] = nodeCommand(1, [here + 'load.js', JSON.stringify({ mode: 'idle', url: `ws://127.0.0.1:${port}${def.path}`, protocol: def.protocol, connections, inFlight: 0, batch: 1, warmupMs: 0, durationMs: 0, serverPid: child.pid! })]);
      const out = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (out.status !== 0) throw new Error(`idle load failed: ${out.stderr}`);
      idle[`${key}@${connections}`] = JSON.parse(out.stdout) as Partial<LoadResult>;
    } finally {
      await stopServer(child);
    }
  }
}
if (selected('idle')) {
  lines.push(`\n**Idle WebSocket connections** (server RSS growth per connection)\n`);
  lines.push(`| server | KiB per idle connection (${IDLE_CONNECTIONS} open) | vs ws | 10,000 held |`);
  lines.push('|---|---|---|---|');
  const wsPer = idle[`ws-raw@${IDLE_CONNECTIONS}`]!.bytesPerConnection!;
  for (const key of IDLE_SERVERS) {
    const r = idle[`${key}@${IDLE_CONNECTIONS}`]!;
    const held = idle[`${key}@10000`]!.heldConnections;
    lines.push(`| ${SERVERS[key]!.name} | ${fmt(r.bytesPerConnection! / 1024)} | ${fmt(r.bytesPerConnection! / wsPer, 2)}x | ${held === 10_000 ? 'yes' : `no (${held})`} |`);
  }
}

console.log(lines.join('\n'));
mkdirSync(here + '../../bench/results', { recursive: true });
writeFileSync(here + '../../bench/results/latest.json', JSON.stringify({ date: new Date().toISOString(), seconds: SECONDS, repeats: REPEATS, pinned, results, idle }, null, 2));
