// Cluster mode of the scale bench: the primary of SCALE_WORKERS server
// processes listening on one port (node:cluster, round-robin: Node 20 has no
// `reusePort`, that came with 22.12). Started pinned to core 0 by the runner,
// so the workers it forks inherit the pinning. It only relays: the runner
// asks one worker or all, and gets their answers back in worker order.
import cluster, { type Worker } from 'node:cluster';
import { serve } from './ipc.util.js';

const WORKERS = Number(process.env['SCALE_WORKERS'] ?? 2);
// Round-robin: the primary accepts and hands each socket to the next worker,
// so every worker holds the same share (the OS's own spread, SCHED_NONE, is
// lopsided, and one worker over the descriptor limit fails the run).
cluster.schedulingPolicy = cluster.SCHED_RR;
cluster.setupPrimary({ exec: 'dist/bench/scale/scale-server.js', execArgv: ['--expose-gc', '--max-old-space-size=8192'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

let seq = 0;
function ask(worker: Worker, message: Record<string, unknown>): Promise<Record<string, unknown>> {
  const id = ++seq;
  return new Promise((resolve, reject) => {
    const onMessage = (reply: { seq?: number; error?: string } & Record<string, unknown>) => {
      if (reply.seq !== id) return;
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      if (reply.error) reject(new Error(`worker ${worker.id}: ${reply.error}`));
      else resolve(reply);
    };
    const onExit = (code: number) => reject(new Error(`worker ${worker.id} exited (${code}) during ${String(message['cmd'])}`));
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    worker.send({ ...message, seq: id });
  });
}

const workers = Array.from({ length: WORKERS }, () => cluster.fork());
// A worker that dies ends the run: its share of the sockets is gone.
for (const worker of workers) worker.once('exit', (code, signal) => console.error(`scale worker ${worker.id} exited (${code ?? signal})`));

// A worker listens once it is ready for commands (scale-server.ts listens last).
await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('listening', resolve))));
serve(async (message) => {
  const { to, ...inner } = message as { to?: number; cmd: string } & Record<string, unknown>;
  const targets = typeof to === 'number' ? [workers[to]!] : workers;
  if (message.cmd === 'pids') return { pids: workers.map((w) => w.process.pid) };
  const replies = await Promise.all(targets.map((worker) => ask(worker, inner)));
  return { replies: replies.map(({ seq: _seq, ...reply }) => reply) };
});
