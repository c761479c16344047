// The load side of the scale bench, pinned to the other core by scale.ts and
// driven over IPC: raw `ws` sockets for holding and fan-out (as light as a
// client gets), or JsonRpcClients for the reconnect storm. Every socket binds
// a loopback source address of its own block (127.0.<block>.2 ..), so no
// address runs out of ephemeral ports.
import { WebSocket } from 'ws';
import { JsonRpcClient, type WebSocketConstructor } from '../../lib/client/index.js';
import { nowNs, serve } from './ipc.util.js';

const JOIN = '{"jsonrpc":"2.0","method":"scale.join","id":1}';
const sockets: WebSocket[] = [];
const clients: JsonRpcClient[] = [];
let ticks = { expected: 0, received: 0, firstNs: '0', lastNs: '0' };
let done: (() => void) | undefined;

function onTick(): void {
  if (ticks.received++ === 0) ticks.firstNs = nowNs();
  if (ticks.received === ticks.expected) {
    ticks.lastNs = nowNs();
    done?.();
  }
}

/** A connect (open + join answered) that takes longer than this counts as failed; it never holds a ramp slot for good. */
const OPEN_TIMEOUT_MS = 30_000;

/** Opens one raw socket and joins "all"; rejects with the error's code, a close before the join's answer, or the timeout. */
function openRaw(url: string, localAddress: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress, perMessageDeflate: false });
    const fail = (why: string) => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`no open+join within ${OPEN_TIMEOUT_MS} ms (state ${ws.readyState})`), OPEN_TIMEOUT_MS);
    ws.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    ws.once('unexpected-response', (_request, response) => fail(`HTTP ${response.statusCode}`));
    ws.once('close', (code) => fail(`closed (${code}) before the join was answered`));
    ws.once('open', () => {
      ws.send(JOIN);
      ws.once('message', () => {
        clearTimeout(timer);
        ws.removeAllListeners('close');
        ws.on('message', onTick);
        resolve(ws);
      });
    });
  });
}

/** Runs `open(i)` for i < count with at most `concurrency` pending; counts failures by message. */
async function ramp(count: number, concurrency: number, open: (i: number) => Promise<void>): Promise<{ opened: number; failed: number; errors: Record<string, number> }> {
  let next = 0;
  let opened = 0;
  const errors: Record<string, number> = {};
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        await open(i);
        opened++;
      } catch (error) {
        const key = error instanceof Error ? error.message : String(error);
        errors[key] = (errors[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { opened, failed: count - opened, errors };
}

/** A `ws` WebSocket bound to one source address, for JsonRpcClient's `WebSocket` option. */
function boundWebSocket(localAddress: string): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { localAddress, perMessageDeflate: false });
    }
  } as unknown as WebSocketConstructor;
}

/** During the storm: reconnects, the most attempts one client made, errors, and the close codes that made clients reconnect. */
const storm = { reconnects: 0, maxAttempt: 0, errors: {} as Record<string, number>, closeCodes: {} as Record<string, number> };
const countError = (key: string) => void (storm.errors[key] = (storm.errors[key] ?? 0) + 1);

serve(async (message) => {
  const url = `ws://127.0.0.1:${String(message['port'])}/rpc`;
  const addresses = (message['addresses'] as string[] | undefined) ?? [];
  switch (message.cmd) {
    case 'connect': {
      const startNs = nowNs();
      const result = await ramp(Number(message['count']), Number(message['concurrency'] ?? 200), async (i) => {
        sockets.push(await openRaw(url, addresses[i % addresses.length]!));
      });
      return { ...result, startNs, endNs: nowNs(), rss: process.memoryUsage().rss };
    }
    case 'arm':
      ticks = { expected: sockets.length, received: 0, firstNs: '0', lastNs: '0' };
      return { expected: sockets.length };
    case 'collect': {
      if (ticks.received < ticks.expected) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Number(message['timeoutMs'] ?? 30_000));
          done = () => (clearTimeout(timer), resolve());
        });
      }
      done = undefined;
      return { ...ticks };
    }
    case 'closeRaw': {
      for (const ws of sockets.splice(0)) ws.terminate();
      return {};
    }
    case 'clients': {
      // The library's client: full-jitter backoff, resubscribe after reconnect; heartbeat off (the server pings).
      const reconnect = { baseDelayMs: Number(message['baseDelayMs'] ?? 250), maxDelayMs: Number(message['maxDelayMs'] ?? 5000) };
      const count = Number(message['count']);
      for (let i = 0; i < count; i++) {
        const client = new JsonRpcClient({ url, WebSocket: boundWebSocket(addresses[i % addresses.length]!), reconnect, heartbeatMs: 0, timeoutMs: 60_000 });
        client.on('reconnect', (info) => {
          storm.reconnects++;
          storm.maxAttempt = Math.max(storm.maxAttempt, info.attempt);
          storm.closeCodes[info.closeCode] = (storm.closeCodes[info.closeCode] ?? 0) + 1;
        });
        client.on('error', (error) => countError(error.message));
        client.subscribe('scale.watch').subscribe({ next: () => undefined, error: (error: unknown) => countError(`subscription: ${String(error)}`) });
        clients.push(client);
        // Paced like `connect`: a burst of this size at once is a storm of its own.
        if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { created: clients.length };
    }
    case 'stormStats': {
      const states: Record<string, number> = {};
      for (const client of clients) states[client.state] = (states[client.state] ?? 0) + 1;
      return { ...storm, states, rss: process.memoryUsage().rss };
    }
    case 'resetStorm':
      storm.reconnects = 0;
      storm.maxAttempt = 0;
      storm.errors = {};
      storm.closeCodes = {};
      return {};
    case 'closeClients':
      await Promise.all(clients.splice(0).map((client) => client.close()));
      return {};
    default:
      throw new Error(`unknown command ${message.cmd}`);
  }
});
