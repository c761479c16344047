// `npm run soak` (SOAK_SECONDS, default 600; `npm run soak:short` is 60):
// SOAK_CONNECTIONS (5,000) JsonRpcClients on one node, mixed calls at
// SOAK_RATE calls/s (some failing validation, some outliving the handler
// timeout), a subscription and a topic pushing, SOAK_CHURN connections closed
// and opened every second. Every 10 s: server RSS and heap (after a full GC),
// event-loop delay p99, call p99 and error counts. Fails when RSS or heap grow
// more than 5% after warm-up, when call p99 drifts upward, or when a call is
// lost or answers something unexpected. Writes the series to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { startPinned } from '../scale/ipc.util.js';

const SECONDS = Number(process.env['SOAK_SECONDS'] ?? 600);
const CONNECTIONS = Number(process.env['SOAK_CONNECTIONS'] ?? 5000);
const RATE = Number(process.env['SOAK_RATE'] ?? 2000);
const CHURN = Number(process.env['SOAK_CHURN'] ?? 10);
const SAMPLE_MS = 10_000;
/** The first samples are warm-up (JIT, pools, V8 sizing its heap): growth is measured from the first sample after. */
const WARMUP_S = Number(process.env['SOAK_WARMUP_SECONDS'] ?? Math.min(120, Math.max(20, SECONDS / 5)));
const GROWTH_LIMIT = 0.05;
/** p99 "drifts upward" when the last third's median is over 1.5x the first third's and at least 5 ms more (a shared 2-core machine jitters). */
const DRIFT_RATIO = 1.5;
const DRIFT_MIN_MS = 5;

interface Row {
  t: number;
  rssMiB: number;
  heapMiB: number;
  heapTotalMiB: number;
  /** MiB reserved per V8 space (new_space, old_space, code_space, large_object_space, ...), in the JSON only. */
  spaces: Record<string, number>;
  externalMiB: number;
  eldP99: number;
  connections: number;
  subscriptions: number;
  calls: number;
  p99: number;
  validation: number;
  timeouts: number;
  unexpected: number;
  lost: number;
  pushes: number;
  gaps: number;
  connects: number;
  disconnects: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const server = startPinned('soak/soak-server.js', 0, {}, ['--expose-gc']);
const load = startPinned('soak/soak-load.js', 1);
const rows: Row[] = [];
const unexpectedKinds: Record<string, number> = {};
let verdict: string[] = [];
try {
  const { port } = await server.ask<{ port: number }>({ cmd: 'port' });
  console.log(`soak: ${CONNECTIONS} connections, ${RATE} calls/s, churn ${CHURN}/s, ${SECONDS} s (warm-up ${WARMUP_S} s)`);
  await load.ask({ cmd: 'start', port, connections: CONNECTIONS, rate: RATE, churn: CHURN }, 120_000);
  await server.ask({ cmd: 'sample' }); // starts the first event-loop-delay window here
  const started = Date.now();
  console.log('| t s | RSS MiB | heap MiB | heap reserved MiB | external MiB | loop p99 ms | conns | subs | calls | call p99 ms | -32602 | -32008 | unexpected | lost | pushes | gaps | connects | disconnects |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (let t = SAMPLE_MS; t <= SECONDS * 1000; t += SAMPLE_MS) {
    await new Promise((resolve) => setTimeout(resolve, started + t - Date.now()));
    const w = await load.ask<Omit<Row, 't' | 'rssMiB' | 'heapMiB' | 'heapTotalMiB' | 'spaces' | 'externalMiB' | 'eldP99' | 'connections' | 'subscriptions' | 'unexpected'> & { unexpected: Record<string, number> }>({ cmd: 'window' });
    const s = await server.ask<{ rss: number; heapUsed: number; heapTotal: number; spaces: Record<string, number>; external: number; eldP99: number; connections: number; subscriptions: number }>({ cmd: 'sample' });
    for (const [key, count] of Object.entries(w.unexpected)) unexpectedKinds[key] = (unexpectedKinds[key] ?? 0) + count;
    const row: Row = { ...w, t: t / 1000, rssMiB: s.rss / 2 ** 20, heapMiB: s.heapUsed / 2 ** 20, heapTotalMiB: s.heapTotal / 2 ** 20, spaces: s.spaces, externalMiB: s.external / 2 ** 20, eldP99: s.eldP99, connections: s.connections, subscriptions: s.subscriptions, unexpected: Object.values(w.unexpected).reduce((a, b) => a + b, 0) };
    rows.push(row);
    console.log(`| ${row.t} | ${row.rssMiB.toFixed(1)} | ${row.heapMiB.toFixed(1)} | ${row.heapTotalMiB.toFixed(1)} | ${row.externalMiB.toFixed(1)} | ${row.eldP99.toFixed(1)} | ${row.connections} | ${row.subscriptions} | ${row.calls} | ${row.p99.toFixed(1)} | ${row.validation} | ${row.timeouts} | ${row.unexpected} | ${row.lost} | ${row.pushes} | ${row.gaps} | ${row.connects} | ${row.disconnects} |`);
  }
  const { unsettled } = await load.ask<{ unsettled: number }>({ cmd: 'finish' }, 60_000);
  verdict = judge(rows, unsettled);
} finally {
  server.child.kill('SIGKILL');
  load.child.kill('SIGKILL');
}

/** The failures, as sentences; empty when the soak was flat. */
function judge(series: Row[], unsettled: number): string[] {
  const failures: string[] = [];
  const after = series.filter((row) => row.t > WARMUP_S);
  if (after.length < 3) return [`too short: ${after.length} samples after warm-up (need 3)`];
  const tail = after.slice(-3);
  for (const key of ['rssMiB', 'heapMiB'] as const) {
    const base = after[0]![key];
    const end = median(tail.map((row) => row[key]));
    if (end > base * (1 + GROWTH_LIMIT)) failures.push(`${key} grew ${(((end - base) / base) * 100).toFixed(1)}% after warm-up (${base.toFixed(1)} -> ${end.toFixed(1)})`);
  }
  const third = Math.max(1, Math.floor(after.length / 3));
  const early = median(after.slice(0, third).map((row) => row.p99));
  const late = median(after.slice(-third).map((row) => row.p99));
  if (late > early * DRIFT_RATIO && late - early >= DRIFT_MIN_MS) failures.push(`call p99 drifted upward: ${early.toFixed(1)} -> ${late.toFixed(1)} ms`);
  const lost = series.reduce((sum, row) => sum + row.lost, 0) + unsettled;
  if (lost > 0) failures.push(`${lost} calls lost (no answer within 10 s, or never settled)`);
  const gaps = series.reduce((sum, row) => sum + row.gaps, 0);
  if (gaps > 0) failures.push(`${gaps} pushes missed (gaps in a subscription's or the topic's sequence)`);
  const bad = series.reduce((sum, row) => sum + row.unexpected, 0);
  if (bad > 0) failures.push(`${bad} unexpected answers or errors: ${JSON.stringify(unexpectedKinds)}`);
  if (series.reduce((sum, row) => sum + row.validation, 0) === 0 || series.reduce((sum, row) => sum + row.timeouts, 0) === 0) failures.push('the mix did not produce both -32602 and -32008 answers');
  return failures;
}

mkdirSync('bench/results', { recursive: true });
const file = `bench/results/soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ seconds: SECONDS, connections: CONNECTIONS, rate: RATE, churn: CHURN, warmupSeconds: WARMUP_S, rows, unexpected: unexpectedKinds, verdict }, null, 2));
console.log(verdict.length ? `\nSOAK FAILED:\n- ${verdict.join('\n- ')}` : '\nsoak flat: no loss, no unexpected answer, RSS and heap within 5% after warm-up, no p99 drift');
console.log(`series written to ${file}`);
process.exit(verdict.length ? 1 : 0);
