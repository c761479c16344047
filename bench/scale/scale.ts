// `npm run bench:scale`: N concurrent WebSocket connections on one node, this
// library against raw `ws` in the same run. Each server runs pinned to core 0,
// the load side pinned to core 1 (both driven over IPC from here). Measures
// RSS and heap per connection, connections/s accepted, heartbeat CPU, one
// publish to all (first and last delivery) against a raw broadcast loop, and
// for the library a reconnect storm (server killed and restarted on the same
// port, JsonRpcClients coming back with their backoff and resubscribing).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { nowNs, type Pinned, sourceAddresses, startPinned } from './ipc.util.js';
import type { ServerStats } from './stats.util.js';

/** The soft `ulimit -n` of this process; children inherit it. Each side holds one descriptor per connection. */
function openFileLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? 1024);
}

const LIMIT = openFileLimit();
/** Descriptors a Node process needs besides its sockets (stdio, IPC, epoll, libuv, the listener). */
const RESERVED_FDS = 200;
const WANTED = Number(process.env['SCALE_CONNECTIONS'] ?? 100_000);
const N = Math.min(WANTED, LIMIT - RESERVED_FDS);
const HEARTBEAT_MS = Number(process.env['SCALE_HEARTBEAT_MS'] ?? 5000);
const ROUNDS = Number(process.env['SCALE_ROUNDS'] ?? 5);
const MODES = (process.env['SCALE_MODES'] ?? 'ws,lib').split(',');
const PER_ADDRESS = 10_000;
const NODE_ARGS = ['--max-old-space-size=8192'];

type Stats = ServerStats & { accepted: number; firstAcceptNs: string; lastAcceptNs: string; subscribed: number };
const ms = (from: string, to: string) => Number(BigInt(to) - BigInt(from)) / 1e6;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const sleep = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));
let block = 1 + Math.floor(Math.random() * 100); // fresh source addresses per run: no TIME_WAIT left by an earlier one
const addresses = () => sourceAddresses(block++, Math.ceil(N / PER_ADDRESS) + 1);

function startServer(mode: string, port = 0): Pinned {
  return startPinned('scale/scale-server.js', 0, { SCALE_SERVER: mode, SCALE_PORT: String(port), SCALE_HEARTBEAT_MS: String(HEARTBEAT_MS) }, ['--expose-gc', ...NODE_ARGS]);
}

interface ModeResult {
  mode: string;
  connections: number;
  failed: number;
  errors: Record<string, number>;
  rssPerConnKiB: number;
  heapPerConnKiB: number;
  acceptPerSec: number;
  heartbeatCpuPct: number;
  publishFirstMs: number;
  publishLastMs: number;
  publishSentMs: number;
  deliveredAll: boolean;
  storm?: Record<string, unknown>;
}

async function runMode(mode: string): Promise<ModeResult> {
  const server = startServer(mode);
  const load = startPinned('scale/scale-load.js', 1, {}, NODE_ARGS);
  try {
    const { port } = await server.ask<{ port: number }>({ cmd: 'port' });
    const before = await server.ask<Stats>({ cmd: 'stats' });
    const opened = await load.ask<{ opened: number; failed: number; errors: Record<string, number> }>({ cmd: 'connect', port, count: N, addresses: addresses(), concurrency: 200 });
    const held = await server.ask<Stats>({ cmd: 'stats' });
    if (process.env['SCALE_SNAPSHOT']) await server.ask({ cmd: 'snapshot', file: `${process.env['SCALE_SNAPSHOT']}-${mode}.heapsnapshot` });
    const acceptMs = ms(held.firstAcceptNs, held.lastAcceptNs);
    // Heartbeat CPU: the server's CPU while idle for three ping rounds (no frame but pings and pongs).
    const cpuStart = await server.ask<Stats>({ cmd: 'stats', gc: false });
    const windowStart = performance.now();
    await sleep(3 * HEARTBEAT_MS);
    const cpuEnd = await server.ask<Stats>({ cmd: 'stats', gc: false });
    const heartbeatCpuPct = ((cpuEnd.cpuUs - cpuStart.cpuUs) / 1000 / (performance.now() - windowStart)) * 100;
    const first: number[] = [];
    const last: number[] = [];
    const sent: number[] = [];
    let deliveredAll = true;
    for (let round = 0; round < ROUNDS; round++) {
      await load.ask({ cmd: 'arm' });
      const { startNs, sentNs } = await server.ask<{ startNs: string; sentNs: string }>({ cmd: 'publish', n: round });
      const ticks = await load.ask<{ expected: number; received: number; firstNs: string; lastNs: string }>({ cmd: 'collect' });
      if (ticks.received !== ticks.expected) deliveredAll = false;
      first.push(ms(startNs, ticks.firstNs));
      last.push(ticks.received === ticks.expected ? ms(startNs, ticks.lastNs) : NaN);
      sent.push(ms(startNs, sentNs));
      await sleep(200);
    }
    const result: ModeResult = {
      mode,
      connections: opened.opened,
      failed: opened.failed,
      errors: opened.errors,
      rssPerConnKiB: (held.rss - before.rss) / opened.opened / 1024,
      heapPerConnKiB: (held.heapUsed - before.heapUsed) / opened.opened / 1024,
      acceptPerSec: (held.accepted - 1) / (acceptMs / 1000),
      heartbeatCpuPct,
      publishFirstMs: median(first),
      publishLastMs: median(last),
      publishSentMs: median(sent),
      deliveredAll,
    };
    if (mode === 'lib') result.storm = await reconnectStorm(server, load, port);
    return result;
  } finally {
    // The server goes first, so TIME_WAIT lands on its side, not on the load side's source ports.
    server.child.kill('SIGKILL');
    await server.exited;
    load.child.kill('SIGKILL');
    await load.exited;
  }
}

/** JsonRpcClients subscribed, the server killed and restarted on its port: until every one is back and subscribed. */
async function reconnectStorm(first: Pinned, load: Pinned, port: number): Promise<Record<string, unknown>> {
  await load.ask({ cmd: 'closeRaw' });
  const rampStart = nowNs();
  await load.ask({ cmd: 'clients', port, count: N, addresses: addresses(), baseDelayMs: 250, maxDelayMs: 5000 });
  const { atNs: allSubscribed } = await first.ask<{ atNs: string }>({ cmd: 'waitSubscribed', target: N }, 300_000);
  await load.ask({ cmd: 'resetStorm' });
  const killedNs = nowNs();
  first.child.kill('SIGKILL');
  await first.exited;
  const second = startServer('lib', port);
  try {
    const listening = await second.ask<{ port: number }>({ cmd: 'port' });
    const listenNs = nowNs();
    if (listening.port !== port) throw new Error(`restart listened on ${listening.port}, not ${port}`);
    const { atNs } = await second.ask<{ atNs: string }>({ cmd: 'waitSubscribed', target: N }, 300_000);
    const after = await second.ask<Stats>({ cmd: 'stats', gc: false });
    const clients = await load.ask<Record<string, unknown>>({ cmd: 'stormStats' });
    await load.ask({ cmd: 'closeClients' });
    return {
      clientsRampMs: ms(rampStart, allSubscribed),
      backAndSubscribedMs: ms(killedNs, atNs),
      afterListenMs: ms(listenNs, atNs),
      peakRssMiB: after.peakRss / 2 ** 20,
      acceptedByNewServer: after.accepted,
      ...clients,
    };
  } finally {
    second.child.kill('SIGKILL');
    await second.exited;
  }
}

if (N < WANTED) console.log(`ulimit -n is ${LIMIT}: each side holds one descriptor per connection, so ${N} connections instead of ${WANTED} (raise the hard limit: see README "Scale")`);
const started = new Date().toISOString();
const results: ModeResult[] = [];
for (const mode of MODES) {
  console.log(`${mode}: opening ${N} connections ...`);
  results.push(await runMode(mode));
}
const name = (mode: string) => (mode === 'lib' ? 'this library' : 'raw ws (ceiling)');
const raw = results.find((r) => r.mode === 'ws');
const vs = (value: number, peer: number | undefined) => (peer ? ` (${(value / peer).toFixed(2)}x)` : '');
console.log(`\n**${N} connections, heartbeat every ${HEARTBEAT_MS} ms, publish medians of ${ROUNDS}** (ratios vs raw ws)\n`);
console.log('| server | held | RSS KiB/conn | heap KiB/conn | accepted/s | heartbeat CPU % | publish: first ms | publish: last ms | all sent ms |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${name(r.mode)} | ${r.connections}${r.failed ? ` (${r.failed} failed: ${JSON.stringify(r.errors)})` : ''} | ${r.rssPerConnKiB.toFixed(2)}${vs(r.rssPerConnKiB, raw?.rssPerConnKiB)} | ${r.heapPerConnKiB.toFixed(2)}${vs(r.heapPerConnKiB, raw?.heapPerConnKiB)} | ${r.acceptPerSec.toFixed(0)}${vs(r.acceptPerSec, raw?.acceptPerSec)} | ${r.heartbeatCpuPct.toFixed(2)}${vs(r.heartbeatCpuPct, raw?.heartbeatCpuPct)} | ${r.publishFirstMs.toFixed(1)} | ${r.publishLastMs.toFixed(1)}${vs(r.publishLastMs, raw?.publishLastMs)} | ${r.publishSentMs.toFixed(1)}${vs(r.publishSentMs, raw?.publishSentMs)} |`,
  );
}
const storm = results.find((r) => r.storm)?.storm;
if (storm) console.log(`\nReconnect storm (${N} JsonRpcClients, server SIGKILLed and restarted on the same port):`, JSON.stringify(storm));
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/scale-${started.replace(/[:.]/g, '-')}.json`, JSON.stringify({ started, connections: N, openFileLimit: LIMIT, heartbeatMs: HEARTBEAT_MS, results }, null, 2));
const short = results.some((r) => r.failed > 0 || !r.deliveredAll);
if (short) console.log('\nFAILED: a connection was not opened or a publish did not reach every connection');
process.exit(short ? 1 : 0);
