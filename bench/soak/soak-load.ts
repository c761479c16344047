// The load side of the soak, pinned to core 1 and driven over IPC by soak.ts:
// JsonRpcClients (the library's client) making mixed calls at a fixed total
// rate, each subscribed to soak.ticks and hearing the "soak" topic, while some
// idle clients are closed and new ones opened every second. Every answer is
// checked; what was not the expected result or error is counted as such.
import { WebSocket } from 'ws';
import { JsonRpcClient, JsonRpcError, type WebSocketConstructor } from '../../lib/client/index.js';
import { serve } from '../scale/ipc.util.js';

interface Member {
  client: JsonRpcClient;
  inFlight: number;
  /** Closed by the churn: its subscription ending then is expected. */
  closing?: boolean;
  lastTick?: number;
  lastNews?: number;
}

const newWindow = () => ({ calls: 0, latencies: [] as number[], validation: 0, timeouts: 0, unexpected: {} as Record<string, number>, lost: 0, pushes: 0, gaps: 0, connects: 0, disconnects: 0 });
let window = newWindow();
const live: Member[] = [];
let inFlight = 0;
let running = false;
const unexpected = (key: string) => void (window.unexpected[key] = (window.unexpected[key] ?? 0) + 1);

function gapCheck(last: number | undefined, n: number): void {
  window.pushes++;
  if (last !== undefined && n !== last + 1) window.gaps += Math.max(1, n - last - 1);
}

function open(url: string): void {
  const client = new JsonRpcClient({ url, WebSocket: WebSocket as unknown as WebSocketConstructor, timeoutMs: 10_000, heartbeatMs: 0, reconnect: { baseDelayMs: 250, maxDelayMs: 2000 } });
  const member: Member = { client, inFlight: 0 };
  client.on('error', (error) => unexpected(`client stopped: ${error.message}`));
  client.on('notification', (method, params) => {
    if (method !== 'soak.news') return unexpected(`notification ${method}`);
    const n = (params as { n: number }).n;
    gapCheck(member.lastNews, n);
    member.lastNews = n;
  });
  client.subscribe<number>('soak.ticks').subscribe({
    next: (n) => {
      gapCheck(member.lastTick, n);
      member.lastTick = n;
    },
    error: (error: unknown) => member.closing || unexpected(`subscription: ${String(error)}`),
  });
  const off = client.on('state', (state) => {
    if (state !== 'open') return;
    off();
    window.connects++;
    live.push(member);
  });
}

type Kind = 'add' | 'order' | 'invalid' | 'slow' | 'echo';
const MIX: Kind[] = ['add', 'add', 'add', 'add', 'add', 'add', 'order', 'invalid', 'invalid', 'slow', 'echo', 'echo'];

/** One call of a random kind on a random live member, checked against what it must answer. */
function call(): void {
  const member = live[Math.floor(Math.random() * live.length)];
  if (!member) return;
  const kind = MIX[Math.floor(Math.random() * MIX.length)]!;
  const n = Math.floor(Math.random() * 1000);
  const payload = { n, text: 'x'.repeat(200) };
  const [method, params, expect]: [string, unknown, unknown] =
    kind === 'add' ? ['soak.add', [n, 1], n + 1]
    : kind === 'order' ? ['soak.order', { symbol: 'ACME', qty: n + 1 }, `${n + 1} ACME`]
    : kind === 'invalid' ? ['soak.order', { symbol: 'ACME', qty: 0 }, -32602]
    : kind === 'slow' ? ['soak.slow', [1000], -32008]
    : ['soak.echo', { payload }, payload];
  const start = performance.now();
  member.inFlight++;
  inFlight++;
  member.client.call(method, params as never).then(
    (result) => {
      if (JSON.stringify(result) !== JSON.stringify(expect)) unexpected(`${kind}: result ${JSON.stringify(result).slice(0, 80)}`);
      else if (kind !== 'slow') window.latencies.push(performance.now() - start);
    },
    (error: unknown) => {
      if (error instanceof JsonRpcError && error.code === expect) {
        if (kind === 'invalid') window.validation++;
        else window.timeouts++;
        if (kind === 'invalid') window.latencies.push(performance.now() - start);
      } else if (error instanceof Error && error.name === 'RpcTimeoutError') window.lost++;
      else unexpected(`${kind}: ${error instanceof Error ? `${error.name} ${error.message}` : String(error)}`);
    },
  ).finally(() => {
    member.inFlight--;
    inFlight--;
    window.calls++;
  });
}

/** Closes up to `count` members with nothing in flight and opens as many. */
function churn(url: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const index = Math.floor(Math.random() * live.length);
    const member = live[index];
    if (!member || member.inFlight > 0) continue;
    live.splice(index, 1);
    window.disconnects++;
    member.closing = true;
    void member.client.close();
    open(url);
  }
}

const timers: NodeJS.Timeout[] = [];

serve(async (message) => {
  const url = `ws://127.0.0.1:${String(message['port'])}/rpc`;
  switch (message.cmd) {
    case 'start': {
      const count = Number(message['connections']);
      for (let i = 0; i < count; i++) {
        open(url);
        if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      while (live.length < count) await new Promise((resolve) => setTimeout(resolve, 50));
      running = true;
      const perTick = Number(message['rate']) / 100;
      let owed = 0;
      timers.push(setInterval(() => {
        owed += perTick;
        for (; owed >= 1; owed--) call();
      }, 10));
      timers.push(setInterval(() => running && churn(url, Number(message['churn'])), 1000));
      window = newWindow();
      return { open: live.length };
    }
    case 'window': {
      const taken = window;
      window = newWindow();
      const sorted = taken.latencies.sort((a, b) => a - b);
      const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN;
      const { latencies: _, ...rest } = taken;
      return { ...rest, p99, inFlight, open: live.length, rss: process.memoryUsage().rss };
    }
    case 'finish': {
      running = false;
      for (const timer of timers.splice(0)) clearInterval(timer);
      const deadline = Date.now() + 15_000;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const left = inFlight;
      await Promise.all(live.splice(0).map((member) => ((member.closing = true), member.client.close())));
      return { unsettled: left };
    }
    default:
      throw new Error(`unknown command ${message.cmd}`);
  }
});
