import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/**
 * A real redis-server on 127.0.0.1, started and stopped by the test itself (it
 * has to kill and restart it). `npm test` installs redis-server from Debian's
 * packages when missing; without it, CI fails and a local run skips loudly.
 * The benches start theirs here too (pinned to a core with `taskset`).
 */
export function redisServerAvailable(): boolean {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found) {
    const message = 'redis-server not found: the Redis tests cannot run. Install it with `apt-get install -y redis-server` (npm test does this when it may).';
    if (process.env['CI'] === 'true') throw new Error(message);
    console.warn(`\n*** SKIPPED *** ${message}\n`);
  }
  return found;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => (socket.destroy(), resolve(false)));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port} (is it installed? apt-get install -y redis-server)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export class RedisServer {
  private process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly core: number | undefined,
  ) {}

  /** On a free port; with `core`, pinned to that CPU (the benches keep it on the server side's core). */
  static async start(options: { core?: number } = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options.core);
    await server.launch();
    return server;
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    this.process = this.core === undefined ? spawn('redis-server', args, { stdio: 'ignore' }) : spawn('taskset', ['-c', String(this.core), 'redis-server', ...args], { stdio: 'ignore' });
    await waitForPort(this.port);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.process = undefined;
  }

  /** Same port, empty state: what a crashed-and-restarted Redis looks like to clients. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }
}
