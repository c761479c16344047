// `npm run bench:scale`: N concurrent WebSocket connections on one node, this
// library against raw `ws` in the same run. Each server runs pinned to core 0,
// the load side pinned to core 1 (both driven over IPC from here). Measures
// RSS and heap per connection, connections/s accepted, heartbeat CPU, one
// publish to all (first and last delivery) against a raw broadcast loop, and
// for the library a reconnect storm (server killed and restarted on the same
// port, JsonRpcClients coming back with their backoff and resubscribing).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { runClusterMode } from './cluster-run.js';
import { nowNs, type Pinned, sourceAddresses, startPinned } from './ipc.util.js';
import { profiled } from './profile.util.js';
import { type ModeResult, ms, publishMedians, sleep, type Stats } from './scale.types.js';

/** The soft `ulimit -n` of this process; children inherit it. Each side holds one descriptor per connection. */
function openFileLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? 1024);
}

const LIMIT = openFileLimit();
/** Descriptors a Node process needs besides its sockets (stdio, IPC, epoll, libuv, the listener). */
const RESERVED_FDS = 200;
const WANTED = Number(process.env['SCALE_CONNECTIONS'] ?? 100_000);
/**
 * Connections one process holds at most: under its descriptor limit with room
 * to spare (15%), so a worker a little over its share still fits.
 */
const PER_PROCESS = Math.floor((LIMIT - RESERVED_FDS) * 0.85);
/** Server processes on one port (node:cluster); 1 = the plain one-process run. Default: as many as the descriptor limit needs. */
const WORKERS = Number(process.env['SCALE_WORKERS'] ?? Math.ceil(WANTED / PER_PROCESS));
/** Load processes: each holds its share of client sockets, so it too stays under the limit. */
const LOADS = Number(process.env['SCALE_LOADS'] ?? WORKERS);
const N = WORKERS > 1 ? Math.min(WANTED, WORKERS * (LIMIT - RESERVED_FDS), LOADS * (LIMIT - RESERVED_FDS)) : Math.min(WANTED, LIMIT - RESERVED_FDS);
const HEARTBEAT_MS = Number(process.env['SCALE_HEARTBEAT_MS'] ?? 10_000);
const ROUNDS = Number(process.env['SCALE_ROUNDS'] ?? 5);
const MODES = (process.env['SCALE_MODES'] ?? 'ws,lib').split(',');
/** SCALE_STORM=0 skips the reconnect storm (e.g. for memory runs with SCALE_SNAPSHOT). */
const STORM = process.env['SCALE_STORM'] !== '0';
/** JsonRpcClients in the storm (default N): the load side's one core opens them all, with their own timers. */
const STORM_N = Number(process.env['SCALE_STORM_CONNECTIONS'] ?? Number.POSITIVE_INFINITY);
const PER_ADDRESS = 10_000;
/** SCALE_PROFILE=<path prefix>: CPU profiles of the server during the connect phase and the publish rounds (every server process). */
const PROFILE = process.env['SCALE_PROFILE'];
const NODE_ARGS = ['--max-old-space-size=8192'];

let block = 1 + Math.floor(Math.random() * 100); // fresh source addresses per run: no TIME_WAIT left by an earlier one
const addresses = (count = N) => sourceAddresses(block++ % 250, Math.ceil(count / PER_ADDRESS) + 1);

function startServer(mode: string, port = 0): Pinned {
  return startPinned('scale/scale-server.js', 0, { SCALE_SERVER: mode, SCALE_PORT: String(port), SCALE_HEARTBEAT_MS: String(HEARTBEAT_MS) }, ['--expose-gc', ...NODE_ARGS]);
}


async function runMode(mode: string): Promise<ModeResult> {
  const server = startServer(mode);
  const load = startPinned('scale/scale-load.js', 1, {}, NODE_ARGS);
  try {
    const { port } = await server.ask<{ port: number }>({ cmd: 'port' });
    const before = await server.ask<Stats>({ cmd: 'stats' });
    if (profiled('connect', PROFILE)) await server.ask({ cmd: 'profileStart' });
    const opened = await load.ask<{ opened: number; failed: number; errors: Record<string, number> }>({ cmd: 'connect', port, count: N, addresses: addresses(), concurrency: 200 });
    if (profiled('connect', PROFILE)) await server.ask({ cmd: 'profileStop', file: `${PROFILE}-${mode}-connect` });
    const held = await server.ask<Stats>({ cmd: 'stats' });
    if (process.env['SCALE_SNAPSHOT']) await server.ask({ cmd: 'snapshot', file: `${process.env['SCALE_SNAPSHOT']}-${mode}.heapsnapshot` });
    const acceptMs = ms(held.firstAcceptNs, held.lastAcceptNs);
    // Heartbeat CPU: the server's CPU while idle for three ping rounds (no frame but pings and pongs).
    const cpuStart = await server.ask<Stats>({ cmd: 'stats', gc: false });
    const windowStart = performance.now();
    await sleep(3 * HEARTBEAT_MS);
    const cpuEnd = await server.ask<Stats>({ cmd: 'stats', gc: false });
    const heartbeatCpuPct = ((cpuEnd.cpuUs - cpuStart.cpuUs) / 1000 / (performance.now() - windowStart)) * 100;
    const rounds: ModeResult['rounds'] = [];
    let deliveredAll = true;
    if (profiled('publish', PROFILE)) await server.ask({ cmd: 'profileStart' });
    for (let round = 0; round < ROUNDS; round++) {
      await load.ask({ cmd: 'arm' });
      const { startNs, sentNs, cpuUs } = await server.ask<{ startNs: string; sentNs: string; cpuUs: number }>({ cmd: 'publish', n: round });
      const ticks = await load.ask<{ expected: number; received: number; firstNs: string; lastNs: string }>({ cmd: 'collect' });
      if (ticks.received !== ticks.expected) deliveredAll = false;
      rounds.push({ firstMs: ms(startNs, ticks.firstNs), lastMs: ticks.received === ticks.expected ? ms(startNs, ticks.lastNs) : NaN, sentMs: ms(startNs, sentNs), cpuMs: cpuUs / 1000 });
      await sleep(200);
    }
    if (profiled('publish', PROFILE)) await server.ask({ cmd: 'profileStop', file: `${PROFILE}-${mode}-publish` });
    const result: ModeResult = {
      mode,
      workers: 1,
      connections: opened.opened,
      failed: opened.failed,
      errors: opened.errors,
      rssPerConnKiB: (held.rss - before.rss) / opened.opened / 1024,
      heapPerConnKiB: (held.heapUsed - before.heapUsed) / opened.opened / 1024,
      acceptPerSec: (held.accepted - 1) / (acceptMs / 1000),
      heartbeatCpuPct,
      ...publishMedians(rounds),
      deliveredAll,
    };
    if (mode === 'lib' && STORM) result.storm = await reconnectStorm(server, load, port);
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

if (N < WANTED) console.log(`ulimit -n is ${LIMIT}: each process holds one descriptor per connection, so ${N} connections instead of ${WANTED} (more SCALE_WORKERS/SCALE_LOADS, or raise the hard limit: see README "Scale")`);
const started = new Date().toISOString();
// The machine is shared: the load average before and after goes next to the figures.
const loadBefore = loadavg();
const results: ModeResult[] = [];
let loadAfter: number[] | undefined;
function save(): void {
  mkdirSync('bench/results', { recursive: true });
  const run = { started, connections: N, workers: WORKERS, loads: LOADS, openFileLimit: LIMIT, heartbeatMs: HEARTBEAT_MS, loadBefore, loadAfter, finished: new Date().toISOString() };
  writeFileSync(`bench/results/scale-${started.replace(/[:.]/g, '-')}.json`, JSON.stringify({ ...run, results }, null, 2));
}
const cluster = { connections: N, storm: STORM, stormConnections: Math.min(N, STORM_N), workers: WORKERS, loads: LOADS, heartbeatMs: HEARTBEAT_MS, rounds: ROUNDS, concurrency: Number(process.env['SCALE_CONCURRENCY'] ?? 200), addresses, nodeArgs: NODE_ARGS, ...(PROFILE ? { profile: PROFILE } : {}) };
for (const mode of MODES) {
  console.log(`${mode}: opening ${N} connections${WORKERS > 1 ? ` (${WORKERS} server processes on one port, ${LOADS} load processes)` : ''} ...`);
  results.push(WORKERS > 1 ? await runClusterMode(mode, cluster) : await runMode(mode));
  save(); // after each mode: a later failure keeps what was measured
}
const name = (mode: string) => (mode === 'lib' ? 'this library' : 'raw ws (ceiling)');
const raw = results.find((r) => r.mode === 'ws');
const vs = (value: number, peer: number | undefined) => (peer ? ` (${(value / peer).toFixed(2)}x)` : '');
const across = WORKERS > 1 ? `, ${WORKERS} server processes on one port (through Redis), ${LOADS} load processes` : '';
console.log(`\n**${N} connections${across}, heartbeat every ${HEARTBEAT_MS} ms, publish medians of ${ROUNDS}** (ratios vs raw ws)\n`);
console.log('| server | held | RSS KiB/conn | heap KiB/conn | accepted/s | heartbeat CPU % | publish: first ms | publish: last ms | all sent ms | fan-out CPU ms |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${name(r.mode)} | ${r.connections}${r.failed ? ` (${r.failed} failed: ${JSON.stringify(r.errors)})` : ''} | ${r.rssPerConnKiB.toFixed(2)}${vs(r.rssPerConnKiB, raw?.rssPerConnKiB)} | ${r.heapPerConnKiB.toFixed(2)}${vs(r.heapPerConnKiB, raw?.heapPerConnKiB)} | ${r.acceptPerSec.toFixed(0)}${vs(r.acceptPerSec, raw?.acceptPerSec)} | ${r.heartbeatCpuPct.toFixed(2)}${vs(r.heartbeatCpuPct, raw?.heartbeatCpuPct)} | ${r.publishFirstMs.toFixed(1)} | ${r.publishLastMs.toFixed(1)}${vs(r.publishLastMs, raw?.publishLastMs)} | ${r.publishSentMs.toFixed(1)}${vs(r.publishSentMs, raw?.publishSentMs)} | ${r.publishCpuMs.toFixed(1)}${vs(r.publishCpuMs, raw?.publishCpuMs)} |`,
  );
}
for (const r of results) if (r.perWorker) console.log(`${name(r.mode)}: connections per server process ${r.perWorker.join(', ')}`);
loadAfter = loadavg();
console.log(`load average (1/5/15 min) at start ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, at end ${loadAfter.map((l) => l.toFixed(2)).join(' ')}; ${started} to ${new Date().toISOString()}`);
const storm = results.find((r) => r.storm)?.storm;
if (storm) console.log(`\nReconnect storm (${String(storm["clients"] ?? N)} JsonRpcClients, server SIGKILLed and restarted on the same port):`, JSON.stringify(storm));
save();
const short = results.some((r) => r.failed > 0 || !r.deliveredAll);
if (short) console.log('\nFAILED: a connection was not opened or a publish did not reach every connection');
process.exit(short ? 1 : 0);
