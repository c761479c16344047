import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { JsonRpcAuthenticator } from '../auth/authenticator.js';
import type { JsonRpcPrincipal, ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import type { JsonRpcMetrics } from '../metrics/json-rpc.metrics.js';
import type { ShutdownCoordinator } from '../shutdown/shutdown.coordinator.js';
import type { ThrottledLogger } from '../utils/throttled-logger.js';
import { closeAccepted, refuseUpgrade, REFUSALS, type UpgradeRefusal } from './upgrade-response.util.js';

type Limit = 'maxConnections' | 'maxConnectionsPerPrincipal';

/**
 * The gate before a socket opens: draining, origin, connection limits,
 * `authenticate`. Limits are checked again after `authenticate`'s await (other
 * upgrades were admitted meanwhile); from that check to handleUpgrade's
 * callback, which registers the connection, nothing awaits, so no two
 * upgrades can take the same slot. It also keeps the count per principal.
 */
export class UpgradeAdmission {
  private readonly perPrincipal = new Map<string | number, number>();

  constructor(
    private readonly server: WebSocketServer,
    private readonly options: ResolvedJsonRpcOptions,
    private readonly authenticator: JsonRpcAuthenticator,
    private readonly shutdown: ShutdownCoordinator,
    private readonly metrics: JsonRpcMetrics,
    private readonly limitLogger: ThrottledLogger,
    private readonly connectionCount: () => number,
  ) {}

  /** Opens the socket and calls `open`, or refuses the upgrade. */
  async admit(request: IncomingMessage, socket: Duplex, head: Buffer, open: (ws: WebSocket, principal: JsonRpcPrincipal | undefined) => void): Promise<void> {
    const { allowedOrigins } = this.options;
    const origin = request.headers.origin;
    if (allowedOrigins && origin !== undefined && !allowedOrigins.has(origin)) {
      this.limitLogger.warn('origin', `upgrade refused: origin ${JSON.stringify(origin).slice(0, 100)} not allowed`);
      return this.refuse(request, socket, head, REFUSALS.origin);
    }
    // Early, so a flood at the limit does not run `authenticate` for nothing.
    const early = this.overLimit(undefined);
    if (early) return this.overloaded(request, socket, head, early);
    const auth = await this.authenticator.upgrade(request);
    if (socket.destroyed) return;
    if (!auth.ok) return this.refuse(request, socket, head, REFUSALS.unauthorized);
    const principal = auth.principal;
    // Asked once, after the await: an upgrade that began before the drain must not open after it.
    if (this.shutdown.draining) return this.refuse(request, socket, head, REFUSALS.shuttingDown);
    const limit = this.overLimit(principal);
    if (limit) return this.overloaded(request, socket, head, limit);
    this.server.handleUpgrade(request, socket, head, (ws) => {
      if (principal) this.perPrincipal.set(principal.id, (this.perPrincipal.get(principal.id) ?? 0) + 1);
      open(ws, principal);
    });
  }

  /** A connection of `principal` closed. */
  released(principal: JsonRpcPrincipal | undefined): void {
    if (principal === undefined) return;
    const count = (this.perPrincipal.get(principal.id) ?? 1) - 1;
    if (count > 0) this.perPrincipal.set(principal.id, count);
    else this.perPrincipal.delete(principal.id);
  }

  /**
   * An HTTP status before the socket opens, or (`acceptThenClose`) an accepted
   * upgrade closed at once with the application code, which browsers can read.
   */
  refuse(request: IncomingMessage, socket: Duplex, head: Buffer, refusal: UpgradeRefusal): void {
    if (!this.options.acceptThenClose || socket.destroyed) return refuseUpgrade(socket, refusal.status, refusal.headers);
    this.server.handleUpgrade(request, socket, head, (ws) => closeAccepted(ws, refusal));
  }

  private overLimit(principal: JsonRpcPrincipal | undefined): Limit | undefined {
    const { limits } = this.options;
    if (this.connectionCount() >= limits.maxConnections) return 'maxConnections';
    if (principal && (this.perPrincipal.get(principal.id) ?? 0) >= limits.maxConnectionsPerPrincipal) return 'maxConnectionsPerPrincipal';
    return undefined;
  }

  private overloaded(request: IncomingMessage, socket: Duplex, head: Buffer, limit: Limit): void {
    this.limitLogger.warn(limit, `upgrade refused: ${limit} reached`);
    this.metrics.drop(limit);
    this.refuse(request, socket, head, REFUSALS[limit]);
  }
}
