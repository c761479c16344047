// Cluster mode of `npm run bench:scale`: more connections than one process
// may hold descriptors for. The server side is SCALE_WORKERS processes on one
// port (node:cluster, cluster-primary.ts) with a redis-server for the
// cross-process publish, all pinned to core 0; the load side is SCALE_LOADS
// processes pinned to core 1, each from its own loopback source addresses.
// Same measurements as the one-process run, summed (memory, CPU, accepted)
// or taken at the extremes (first and last delivery) over the processes.
import { nowNs, type Pinned, startPinned } from './ipc.util.js';
import { profiled } from './profile.util.js';
import { RedisServer } from '../../test/support/redis-server.js';
import { type ModeResult, ms, publishMedians, sleep, type Stats } from './scale.types.js';

export interface ClusterConfig {
  connections: number;
  /** Run the reconnect storm after the library's measurements, with this many JsonRpcClients. */
  storm: boolean;
  stormConnections: number;
  workers: number;
  loads: number;
  heartbeatMs: number;
  rounds: number;
  /** Connects in flight over the whole load side. */
  concurrency: number;
  /** Fresh loopback source addresses for `count` connections. */
  addresses(count: number): string[];
  nodeArgs: string[];
  /** CPU profiles of every worker during the connect phase and the publish rounds, written to `<profile>-<mode>-<phase>-<pid>.cpuprofile`. */
  profile?: string;
}

type Replies<T> = { replies: T[] };
type Opened = { opened: number; failed: number; errors: Record<string, number> };
type Ticks = { expected: number; received: number; firstNs: string; lastNs: string };
type Counts = { accepted: number; subscribed: number; open: number; pid: number };

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const minNs = (values: string[]) => values.reduce((a, b) => (BigInt(b) < BigInt(a) ? b : a));
const maxNs = (values: string[]) => values.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a));
/** `total` split into `parts` shares differing by at most one. */
const shares = (total: number, parts: number) => Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

function mergeCounts(into: Record<string, number>, from: Record<string, number> | undefined): Record<string, number> {
  for (const [key, value] of Object.entries(from ?? {})) into[key] = (into[key] ?? 0) + value;
  return into;
}

function startCluster(mode: string, port: number, redisPort: number, config: ClusterConfig): Pinned {
  const env = { SCALE_SERVER: mode, SCALE_PORT: String(port), SCALE_HEARTBEAT_MS: String(config.heartbeatMs), SCALE_REDIS_PORT: String(redisPort), SCALE_WORKERS: String(config.workers) };
  return startPinned('scale/cluster-primary.js', 0, env);
}

async function all<T>(server: Pinned, message: Record<string, unknown>, timeoutMs?: number): Promise<T[]> {
  return (await server.ask<Replies<T>>(message, timeoutMs)).replies;
}

/** Polls the workers until they hold `target` live subscriptions between them; when they did, and the count every 10 s on the way. */
async function waitSubscribed(server: Pinned, target: number, timeoutMs = 300_000): Promise<{ atNs: string | undefined; series: Array<{ s: number; subscribed: number; open: number }> }> {
  const start = Date.now();
  const series: Array<{ s: number; subscribed: number; open: number }> = [];
  for (;;) {
    const counts = await all<Counts>(server, { cmd: 'counts' });
    const subscribed = sum(counts.map((c) => c.subscribed));
    const elapsed = Date.now() - start;
    if (elapsed >= series.length * 10_000) series.push({ s: Math.round(elapsed / 1000), subscribed, open: sum(counts.map((c) => c.open)) });
    if (subscribed >= target) return { atNs: nowNs(), series };
    // Out of time: what was reached, for the report (a storm that does not finish is a finding).
    if (elapsed > timeoutMs) return { atNs: undefined, series };
    await sleep(100);
  }
}

/** What the load side's JsonRpcClients went through: reconnects, their states now, the errors they saw. */
async function clientStats(loads: Pinned[]): Promise<Record<string, unknown>> {
  const clients = await Promise.all(loads.map((load) => load.ask<{ reconnects: number; maxAttempt: number; errors: Record<string, number>; closeCodes: Record<string, number>; states: Record<string, number>; rss: number }>({ cmd: 'stormStats' })));
  return {
    reconnects: sum(clients.map((c) => c.reconnects)),
    closeCodes: clients.reduce((codes, c) => mergeCounts(codes, c.closeCodes), {}),
    maxAttempt: Math.max(...clients.map((c) => c.maxAttempt)),
    errors: clients.reduce((errors, c) => mergeCounts(errors, c.errors), {}),
    states: clients.reduce((states, c) => mergeCounts(states, c.states), {}),
    loadRssMiB: sum(clients.map((c) => c.rss)) / 2 ** 20,
  };
}

/** SIGKILL for the primary and every worker: the whole server side dies at once, as a node does. */
async function killCluster(server: Pinned): Promise<void> {
  const { pids } = await server.ask<{ pids: number[] }>({ cmd: 'pids' });
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  server.child.kill('SIGKILL');
  await server.exited;
}

export async function runClusterMode(mode: string, config: ClusterConfig): Promise<ModeResult> {
  const redis = await RedisServer.start({ core: 0 });
  let server = startCluster(mode, 0, redis.port, config);
  const loads = Array.from({ length: config.loads }, () => startPinned('scale/scale-load.js', 1, {}, config.nodeArgs));
  try {
    const ports = [...new Set((await all<{ port: number }>(server, { cmd: 'port' })).map((r) => r.port))];
    if (ports.length !== 1) throw new Error(`workers listen on ${ports.join(', ')}, not one port`);
    const port = ports[0]!;
    const before = await all<Stats>(server, { cmd: 'stats' });
    const split = shares(config.connections, config.loads);
    const inFlight = Math.max(1, Math.ceil(config.concurrency / config.loads));
    if (profiled('connect', config.profile)) await all(server, { cmd: 'profileStart' });
    const opened = await Promise.all(loads.map((load, i) => load.ask<Opened>({ cmd: 'connect', port, count: split[i], addresses: config.addresses(split[i]!), concurrency: inFlight })));
    if (profiled('connect', config.profile)) await all(server, { cmd: 'profileStop', file: `${config.profile}-${mode}-connect` });
    const held = await all<Stats>(server, { cmd: 'stats' });
    const connections = sum(opened.map((o) => o.opened));
    const acceptMs = ms(minNs(held.map((s) => s.firstAcceptNs)), maxNs(held.map((s) => s.lastAcceptNs)));
    // Heartbeat CPU: all workers' CPU while idle for three ping rounds, in % of one core.
    const cpuStart = await all<Stats>(server, { cmd: 'stats', gc: false });
    const windowStart = performance.now();
    await sleep(3 * config.heartbeatMs);
    const cpuEnd = await all<Stats>(server, { cmd: 'stats', gc: false });
    const heartbeatCpuPct = ((sum(cpuEnd.map((s) => s.cpuUs)) - sum(cpuStart.map((s) => s.cpuUs))) / 1000 / (performance.now() - windowStart)) * 100;
    const rounds: ModeResult['rounds'] = [];
    let deliveredAll = true;
    if (profiled('publish', config.profile)) await all(server, { cmd: 'profileStart' });
    for (let round = 0; round < config.rounds; round++) {
      await Promise.all(loads.map((load) => load.ask({ cmd: 'arm' })));
      // Published by worker 0 through Redis; every worker (0 too) gets it back and writes to its own sockets.
      const [{ startNs }] = await all<{ startNs: string }>(server, { cmd: 'publish', n: round, to: 0 });
      const written = await all<{ sentNs: string; cpuUs: number }>(server, { cmd: 'sent', n: round });
      const ticks = await Promise.all(loads.map((load) => load.ask<Ticks>({ cmd: 'collect' })));
      const complete = ticks.every((t) => t.received === t.expected);
      if (!complete) deliveredAll = false;
      const reached = ticks.filter((t) => t.received > 0);
      rounds.push({
        firstMs: reached.length ? ms(startNs!, minNs(reached.map((t) => t.firstNs))) : NaN,
        lastMs: complete ? ms(startNs!, maxNs(ticks.map((t) => t.lastNs))) : NaN,
        sentMs: ms(startNs!, maxNs(written.map((w) => w.sentNs))),
        cpuMs: sum(written.map((w) => w.cpuUs)) / 1000,
      });
      await sleep(200);
    }
    if (profiled('publish', config.profile)) await all(server, { cmd: 'profileStop', file: `${config.profile}-${mode}-publish` });
    const result: ModeResult = {
      mode,
      workers: config.workers,
      connections,
      failed: sum(opened.map((o) => o.failed)),
      errors: opened.reduce((errors, o) => mergeCounts(errors, o.errors), {}),
      perWorker: held.map((s) => s.connections),
      rssPerConnKiB: (sum(held.map((s) => s.rss)) - sum(before.map((s) => s.rss))) / connections / 1024,
      heapPerConnKiB: (sum(held.map((s) => s.heapUsed)) - sum(before.map((s) => s.heapUsed))) / connections / 1024,
      acceptPerSec: (sum(held.map((s) => s.accepted)) - 1) / (acceptMs / 1000),
      heartbeatCpuPct,
      ...publishMedians(rounds),
      deliveredAll,
    };
    if (mode === 'lib' && config.storm) {
      // A storm that does not finish is a finding, not a reason to lose the figures above.
      const storm = await reconnectStorm(server, loads, port, redis.port, config).catch((error: unknown) => ({ server: undefined, figures: { error: String(error) } }));
      if (storm.server) server = storm.server;
      result.storm = { clients: config.stormConnections, ...storm.figures };
    }
    return result;
  } finally {
    // The server side goes first, so TIME_WAIT lands on its side, not on the load side's source ports.
    await killCluster(server).catch(() => server.child.kill('SIGKILL'));
    for (const load of loads) load.child.kill('SIGKILL');
    await Promise.all(loads.map((load) => load.exited));
    await redis.stop();
  }
}

/** JsonRpcClients subscribed, the whole cluster SIGKILLed and restarted on its port: until every one is back and subscribed. */
async function reconnectStorm(first: Pinned, loads: Pinned[], port: number, redisPort: number, config: ClusterConfig): Promise<{ server: Pinned; figures: Record<string, unknown> }> {
  await Promise.all(loads.map((load) => load.ask({ cmd: 'closeRaw' })));
  const total = config.stormConnections;
  const split = shares(total, config.loads);
  const rampStart = nowNs();
  await Promise.all(loads.map((load, i) => load.ask({ cmd: 'clients', port, count: split[i], addresses: config.addresses(split[i]!), baseDelayMs: 250, maxDelayMs: 5000 }, 900_000)));
  const ramp = await waitSubscribed(first, total);
  if (!ramp.atNs) return { server: first, figures: { error: `the first ${total} clients did not all subscribe within 300 s`, rampSeries: ramp.series, ...(await clientStats(loads)) } };
  const allSubscribed = ramp.atNs;
  await Promise.all(loads.map((load) => load.ask({ cmd: 'resetStorm' })));
  const killedNs = nowNs();
  await killCluster(first);
  const second = startCluster('lib', port, redisPort, config);
  try {
    const listening = await all<{ port: number }>(second, { cmd: 'port' });
    const listenNs = nowNs();
    if (listening.some((l) => l.port !== port)) throw new Error(`restart listened on ${listening.map((l) => l.port).join(', ')}, not ${port}`);
    const back = await waitSubscribed(second, total);
    const after = await all<Stats>(second, { cmd: 'stats', gc: false });
    const clients = await clientStats(loads);
    await Promise.all(loads.map((load) => load.ask({ cmd: 'closeClients' })));
    return {
      server: second,
      figures: {
        ...(back.atNs ? {} : { error: `only ${back.series.at(-1)?.subscribed} of ${total} subscribed again within 300 s` }),
        clientsRampMs: ms(rampStart, allSubscribed),
        backAndSubscribedMs: back.atNs ? ms(killedNs, back.atNs) : NaN,
        afterListenMs: back.atNs ? ms(listenNs, back.atNs) : NaN,
        series: back.series,
        peakRssMiB: sum(after.map((s) => s.peakRss)) / 2 ** 20,
        peakRssMiBPerWorker: after.map((s) => Math.round(s.peakRss / 2 ** 20)),
        acceptedByNewServer: sum(after.map((s) => s.accepted)),
        ...clients,
      },
    };
  } catch (error) {
    await killCluster(second).catch(() => second.child.kill('SIGKILL'));
    throw error;
  }
}
