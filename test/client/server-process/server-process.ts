import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The client test app in a child process, on 127.0.0.1; `kill()` is SIGKILL (no close frames, nothing drained). */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/rpc`;
  }

  static start(port = 0, timeoutMs = 60_000): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--import', './register.mjs', 'serve.ts', String(port)], {
      cwd: here,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error('server process did not start'))), timeoutMs);
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening (\d+)/.exec(out);
        if (!match) return;
        clearTimeout(timer);
        resolve(new ServerProcess(child, Number(match[1])));
      });
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`server process exited (${code})`))));
    });
  }

  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}
