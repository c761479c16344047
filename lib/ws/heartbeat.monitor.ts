import type { RpcConnection } from '../push/rpc-connection.js';

interface PingState {
  /** When the last ping went out. */
  sentAt: number;
  /** It has not been answered yet (no pong, no frame since). */
  outstanding: boolean;
}

/**
 * One timer for all sockets. Each socket is pinged every `intervalMs`, but
 * never while its last ping is unanswered: a new ping must not restart the
 * wait for the old one, or a peer would never be found dead when `timeoutMs`
 * exceeds `intervalMs`. A socket that has sent nothing (no pong, no frame)
 * within `timeoutMs` of a ping is dead. Checks run every
 * min(intervalMs, timeoutMs), so a dead peer goes within
 * intervalMs + timeoutMs + that step, for any pair of values.
 */
export class HeartbeatMonitor {
  private readonly timer: NodeJS.Timeout;
  private readonly pings = new WeakMap<RpcConnection, PingState>();

  constructor(
    private readonly options: { intervalMs: number; timeoutMs: number },
    private readonly connections: () => Iterable<RpcConnection>,
    private readonly onDead: (connection: RpcConnection) => void,
  ) {
    this.timer = setInterval(() => this.tick(), Math.min(options.intervalMs, options.timeoutMs));
    this.timer.unref();
  }

  private tick(): void {
    const now = Date.now();
    for (const connection of this.connections()) {
      if (!connection.isOpen) continue;
      let state = this.pings.get(connection);
      if (!state) {
        // First seen: its clock starts at the connection's own start.
        state = { sentAt: connection.inbound.lastSeen, outstanding: false };
        this.pings.set(connection, state);
      }
      // Not read while at the in-flight limit: alive by definition, whatever the pings saw.
      if (state.outstanding && (connection.inbound.lastSeen >= state.sentAt || connection.inbound.isPaused)) state.outstanding = false;
      if (state.outstanding) {
        if (now - state.sentAt >= this.options.timeoutMs) this.onDead(connection);
        continue;
      }
      if (now - state.sentAt < this.options.intervalMs) continue;
      state.sentAt = now;
      state.outstanding = true;
      connection.socket.ping();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
