import type { RpcConnection } from '../push/rpc-connection.js';

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
      // The ping state lives on the gate (one socket, one state; the first ping counts from the open).
      const state = connection.inbound;
      // Not read while at the in-flight limit: alive by definition, whatever the pings saw.
      if (state.pingOutstanding && (state.lastSeen >= state.pingSentAt || state.isPaused)) state.pingOutstanding = false;
      if (state.pingOutstanding) {
        if (now - state.pingSentAt >= this.options.timeoutMs) this.onDead(connection);
        continue;
      }
      if (now - state.pingSentAt < this.options.intervalMs) continue;
      state.pingSentAt = now;
      state.pingOutstanding = true;
      connection.socket.ping();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
