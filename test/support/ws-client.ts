import { WebSocket, type ClientOptions } from 'ws';

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A real `ws` client that queues every frame it receives, for assertions. */
export class TestWsClient {
  private readonly frames: unknown[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<CloseInfo>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        this.wake();
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  static connect(url: string, options?: ClientOptions): Promise<TestWsClient> {
    const socket = new WebSocket(url, options);
    const client = new TestWsClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  /** Waits for the first queued frame matching `predicate` and removes it. */
  async take(predicate: (frame: unknown) => boolean = () => true, timeoutMs = 5000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex(predicate);
      if (index >= 0) return this.frames.splice(index, 1)[0];
      if (this.socket.readyState !== WebSocket.OPEN) throw new Error('socket closed while waiting for a frame');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a request object and waits for the response with its id. */
  async request(message: { id: unknown } & Record<string, unknown>): Promise<unknown> {
    this.send(message);
    return this.take((frame) => (frame as { id?: unknown }).id === message.id);
  }

  /**
   * Sends raw text and returns what came back for it: the frames received
   * before the answer to a probe request sent right after it (undefined when none).
   */
  async exchange(raw: string): Promise<unknown> {
    const probeId = `probe-${Math.random()}`;
    this.send(raw);
    this.send({ jsonrpc: '2.0', method: 'probe', id: probeId });
    await this.take((frame) => (frame as { id?: unknown }).id === probeId);
    const before = this.frames.splice(0);
    return before.length === 0 ? undefined : before.length === 1 ? before[0] : before;
  }

  get pending(): readonly unknown[] {
    return this.frames;
  }

  close(): Promise<CloseInfo> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close();
    return this.closed;
  }
}
