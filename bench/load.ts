// The load generator: its own process (pinned to its own core by run.ts).
// Every answer is checked (id and result); any wrong or missing one fails the run.
import http from 'node:http';
import { WebSocket } from 'ws';
import { cpuSeconds, rssBytes } from './proc-stats.js';

export interface LoadSpec {
  mode: 'ws' | 'http' | 'idle';
  url: string;
  /** jsonrpc: JSON-RPC 2.0; gateway: Nest {event,data}; rest: POST {a,b} -> {result}. */
  protocol: 'jsonrpc' | 'gateway' | 'rest';
  connections: number;
  inFlight: number;
  batch: number;
  warmupMs: number;
  durationMs: number;
  serverPid: number;
}

export interface LoadResult {
  calls: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuUsPerCall: number;
  loadCpuPercent: number;
  bytesPerConnection?: number;
  heldConnections?: number;
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;

class Window {
  calls = 0;
  latencies: number[] = [];
  measuring = false;
  private startedAt = 0;
  private serverCpu = 0;
  private ownCpu = process.cpuUsage();

  start(): void {
    this.calls = 0;
    this.latencies = [];
    this.measuring = true;
    this.startedAt = performance.now();
    this.serverCpu = cpuSeconds(spec.serverPid);
    this.ownCpu = process.cpuUsage();
  }

  record(calls: number, latencyMs: number): void {
    if (!this.measuring) return;
    this.calls += calls;
    this.latencies.push(latencyMs);
  }

  finish(): LoadResult {
    this.measuring = false;
    const seconds = (performance.now() - this.startedAt) / 1000;
    const serverCpu = cpuSeconds(spec.serverPid) - this.serverCpu;
    const own = process.cpuUsage(this.ownCpu);
    const sorted = this.latencies.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
    return {
      calls: this.calls,
      callsPerSecond: this.calls / seconds,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      serverCpuUsPerCall: (serverCpu * 1e6) / this.calls,
      loadCpuPercent: ((own.user + own.system) / 1e6 / seconds) * 100,
    };
  }
}

function fail(message: string): never {
  process.stderr.write(`load: ${message}\n`);
  process.exit(1);
}

const window = new Window();
let stopped = false;

/** One request frame/body for id, and the check of its answer. */
function frame(id: number): unknown {
  const params = [id % 1000, 7];
  if (spec.protocol === 'gateway') return { event: 'add', data: { id, params } };
  if (spec.protocol === 'rest') return { a: params[0], b: params[1] };
  return { jsonrpc: '2.0', method: 'add', params, id };
}

function check(id: number, answer: unknown): void {
  const expected = (id % 1000) + 7;
  const got =
    spec.protocol === 'gateway'
      ? (answer as { data?: { id: number; result: number } }).data
      : spec.protocol === 'rest'
        ? { id, result: (answer as { result: number }).result }
        : (answer as { id: number; result: number });
  if (got?.id !== id || got.result !== expected) fail(`wrong answer for id ${id}: ${JSON.stringify(answer)}`);
}

async function runWs(): Promise<void> {
  let nextId = 1;
  const sockets = await Promise.all(
    Array.from({ length: spec.connections }, () => {
      const socket = new WebSocket(spec.url, { perMessageDeflate: false });
      return new Promise<WebSocket>((resolve, reject) => socket.once('open', () => resolve(socket)).once('error', reject));
    }),
  );
  for (const socket of sockets) {
    const sentAt = new Map<number, number>();
    const send = () => {
      if (stopped) return;
      const ids = Array.from({ length: spec.batch }, () => nextId++);
      sentAt.set(ids[0]!, performance.now());
      socket.send(JSON.stringify(spec.batch === 1 ? frame(ids[0]!) : ids.map(frame)));
    };
    socket.on('message', (data) => {
      const answer = JSON.parse(data.toString()) as unknown;
      const answers = Array.isArray(answer) ? answer : [answer];
      if (answers.length !== spec.batch) fail(`expected ${spec.batch} answers, got ${answers.length}`);
      const firstId = spec.protocol === 'gateway' ? (answers[0] as { data: { id: number } }).data.id : (answers[0] as { id: number }).id;
      answers.forEach((a, i) => check(firstId + i, a));
      const started = sentAt.get(firstId);
      if (started === undefined) fail(`answer to an id never sent: ${firstId}`);
      sentAt.delete(firstId);
      window.record(spec.batch, performance.now() - started);
      send();
    });
    socket.on('close', () => stopped || fail('socket closed during the run'));
    for (let i = 0; i < spec.inFlight; i++) send();
  }
  await measure();
  stopped = true;
  for (const socket of sockets) socket.terminate();
}

async function runHttp(): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const url = new URL(spec.url);
  let nextId = 1;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const ids = Array.from({ length: spec.batch }, () => nextId++);
      const body = JSON.stringify(spec.batch === 1 ? frame(ids[0]!) : ids.map(frame));
      const started = performance.now();
      const req = http.request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) fail(`HTTP ${res.statusCode}`);
            const answer = JSON.parse(Buffer.concat(chunks).toString()) as unknown;
            const answers = Array.isArray(answer) ? answer : [answer];
            answers.forEach((a, i) => check(ids[i]!, a));
            window.record(spec.batch, performance.now() - started);
            resolve();
          });
        },
      );
      req.on('error', (error) => fail(error.message));
      req.end(body);
    });
  const loops = Array.from({ length: spec.connections }, async () => {
    while (!stopped) await one();
  });
  await measure();
  stopped = true;
  await Promise.all(loops);
  agent.destroy();
}

/** Holds `connections` idle sockets and reports the server's RSS growth per socket. */
async function runIdle(): Promise<void> {
  const before = rssBytes(spec.serverPid);
  const sockets: WebSocket[] = [];
  for (let i = 0; i < spec.connections; i += 200) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(200, spec.connections - i) }, () => {
        const socket = new WebSocket(spec.url, { perMessageDeflate: false });
        return new Promise<WebSocket>((resolve, reject) => socket.once('open', () => resolve(socket)).once('error', reject));
      }),
    );
    sockets.push(...opened);
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = rssBytes(spec.serverPid);
  const held = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  const result: Partial<LoadResult> = { bytesPerConnection: (after - before) / spec.connections, heldConnections: held };
  for (const socket of sockets) socket.terminate();
  process.stdout.write(JSON.stringify(result) + '\n');
}

async function measure(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, spec.warmupMs));
  window.start();
  await new Promise((resolve) => setTimeout(resolve, spec.durationMs));
  const result = window.finish();
  if (result.calls === 0) fail('no call answered in the window');
  process.stdout.write(JSON.stringify(result) + '\n');
}

if (spec.mode === 'ws') await runWs();
else if (spec.mode === 'http') await runHttp();
else await runIdle();
process.exit(0);
