import type { RpcConnection } from '../push/rpc-connection.js';

/**
 * One timer for all sockets: every `intervalMs` each socket is pinged; one
 * that has sent nothing (no pong, no frame) within `timeoutMs` after the ping
 * is dead. A dead peer is found within intervalMs + timeoutMs.
 */
export class HeartbeatMonitor {
  private readonly interval: NodeJS.Timeout;
  private check: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: { intervalMs: number; timeoutMs: number },
    private readonly connections: () => RpcConnection[],
    private readonly onDead: (connection: RpcConnection) => void,
  ) {
    this.interval = setInterval(() => this.ping(), options.intervalMs);
    this.interval.unref();
  }

  private ping(): void {
    const pingedAt = Date.now();
    const pinged = this.connections().filter((connection) => connection.isOpen);
    for (const connection of pinged) connection.socket.ping();
    clearTimeout(this.check);
    this.check = setTimeout(() => {
      for (const connection of pinged) if (connection.isOpen && !connection.isPaused && connection.lastSeen < pingedAt) this.onDead(connection);
    }, this.options.timeoutMs);
    this.check.unref();
  }

  stop(): void {
    clearInterval(this.interval);
    clearTimeout(this.check);
  }
}
