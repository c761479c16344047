import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocket, WebSocketServer } from 'ws';
import { JsonRpcAuthenticator } from '../auth/authenticator.js';
import type { JsonRpcPrincipal, ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { JsonRpcDispatcher } from '../json-rpc.dispatcher.js';
import { JsonRpcMetrics } from '../metrics/json-rpc.metrics.js';
import { ConnectionRegistry } from '../push/connection.registry.js';
import { RpcConnection } from '../push/rpc-connection.js';
import { TopicRegistry } from '../push/topic.registry.js';
import { ShutdownState } from '../shutdown.state.js';
import { requestPath } from '../utils/request-path.util.js';
import { ThrottledLogger } from '../utils/throttled-logger.js';
import { HeartbeatMonitor } from './heartbeat.monitor.js';
import { rawDataToText } from './raw-data.util.js';
import { JsonRpcCloseCode } from '../protocol/close-codes.js';
import { closeAccepted, refuseUpgrade, REFUSALS, type UpgradeRefusal } from './upgrade-response.util.js';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The subprotocol we answer with when the client offers it (never a `bearer.` one). */
const SUBPROTOCOL = 'json-rpc';

/**
 * WebSocket endpoint on the app's own HTTP server, with a `ws` server of its
 * own (noServer) rather than a Nest gateway: a gateway cannot answer -32700
 * (WsAdapter drops unparsable frames), would parse each frame twice, and could
 * not refuse an upgrade with 401/403/503. Upgrades for other paths are handed
 * to whoever listened before (e.g. the app's own WsAdapter gateways).
 */
@Injectable()
export class JsonRpcWsTransport implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JsonRpc');
  private readonly limitLogger = new ThrottledLogger('JsonRpc');
  private server: WebSocketServer | undefined;
  private httpServer: Server | undefined;
  private previousListeners: UpgradeListener[] = [];
  private readonly router: UpgradeListener = (request, socket, head) => void this.route(request, socket, head);
  private readonly perPrincipal = new Map<string | number, number>();
  private heartbeat: HeartbeatMonitor | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private drained: Promise<void> | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly dispatcher: JsonRpcDispatcher,
    private readonly connections: ConnectionRegistry,
    private readonly topics: TopicRegistry,
    private readonly authenticator: JsonRpcAuthenticator,
    private readonly shutdown: ShutdownState,
    private readonly metrics: JsonRpcMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const adapter = this.adapterHost.httpAdapter;
    const httpServer = adapter?.getHttpServer() as Server | undefined;
    if (adapter === undefined || httpServer === undefined) return;
    // Drain before any module is destroyed: Nest calls the adapter's beforeClose()
    // first in app.close(), while every provider is still alive; the hooks of a
    // global module would only run after the app's own onModuleDestroy().
    const beforeClose = adapter.beforeClose?.bind(adapter);
    adapter.beforeClose = async () => {
      await this.drain();
      await beforeClose?.();
    };
    if (!this.options.ws) return;
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.limits.maxMessageBytes, // never ws's 100 MiB default
      perMessageDeflate: false,
      clientTracking: false,
      // ws's own limit, spelled out because clients see it (README, close codes): a
      // message in more fragments is closed with 1008. ws also terminates (1006) a
      // peer with 60 pings it could not answer yet (maxPendingAutoPongs, untyped here).
      maxFragments: 16 * 1024,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    // Runs after Nest's gateways registered their upgrade listeners (during init):
    // take them over so that an upgrade is handled by exactly one owner.
    this.httpServer = httpServer;
    this.previousListeners = httpServer.listeners('upgrade') as UpgradeListener[];
    httpServer.removeAllListeners('upgrade');
    httpServer.on('upgrade', this.router);
    // Slow consumers are also caught between sends: a backlog that stopped growing still counts.
    this.sweeper = setInterval(() => {
      for (const connection of this.connections.values()) if (connection.isOpen) connection.isSlowConsumer();
    }, Math.max(10, Math.min(1000, this.options.limits.slowConsumerMs / 2)));
    this.sweeper.unref();
    if (this.options.heartbeat) this.heartbeat = new HeartbeatMonitor(this.options.heartbeat, () => this.connections.values(), (connection) => this.dead(connection));
    this.logger.log(`WebSocket endpoint: ${this.options.path}`);
  }

  /** Fallback when the adapter's beforeClose was not called (e.g. no HTTP adapter close path). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  private route(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (requestPath(request.url) === this.options.path && this.server) {
      this.admit(request, socket, head).catch((error: unknown) => {
        this.logger.error(error);
        // The upgrade may be half done: a second handleUpgrade would throw here, unhandled.
        try {
          this.refuse(request, socket, head, REFUSALS.internal);
        } catch {
          socket.destroy();
        }
      });
      return;
    }
    if (this.previousListeners.length === 0) return refuseUpgrade(socket, 404);
    for (const listener of this.previousListeners) listener.call(this.httpServer, request, socket, head);
  }

  /**
   * The gate: everything is decided before the socket opens. Limits are checked
   * again after `authenticate`'s await (other upgrades were admitted meanwhile);
   * from that check to handleUpgrade's callback, which registers the
   * connection, nothing awaits, so no two upgrades can take the same slot.
   */
  private async admit(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { allowedOrigins } = this.options;
    const origin = request.headers.origin;
    if (this.shutdown.draining) return this.refuse(request, socket, head, REFUSALS.shuttingDown);
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
    if (this.shutdown.draining) return this.refuse(request, socket, head, REFUSALS.shuttingDown);
    const limit = this.overLimit(principal);
    if (limit) return this.overloaded(request, socket, head, limit);
    this.server!.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws, request, principal));
  }

  private overLimit(principal: JsonRpcPrincipal | undefined): 'maxConnections' | 'maxConnectionsPerPrincipal' | undefined {
    const { limits } = this.options;
    if (this.connections.size >= limits.maxConnections) return 'maxConnections';
    if (principal && (this.perPrincipal.get(principal.id) ?? 0) >= limits.maxConnectionsPerPrincipal) return 'maxConnectionsPerPrincipal';
    return undefined;
  }

  private overloaded(request: IncomingMessage, socket: Duplex, head: Buffer, limit: 'maxConnections' | 'maxConnectionsPerPrincipal'): void {
    this.limitLogger.warn(limit, `upgrade refused: ${limit} reached`);
    this.metrics.drop(limit);
    this.refuse(request, socket, head, REFUSALS[limit]);
  }

  /**
   * An HTTP status before the socket opens, or (`acceptThenClose`) an accepted
   * upgrade closed at once with the application code, which browsers can read.
   */
  private refuse(request: IncomingMessage, socket: Duplex, head: Buffer, refusal: UpgradeRefusal): void {
    if (!this.options.acceptThenClose || !this.server || socket.destroyed) return refuseUpgrade(socket, refusal.status, refusal.headers);
    this.server.handleUpgrade(request, socket, head, (ws) => closeAccepted(ws, refusal));
  }

  private onConnection(socket: WebSocket, request: IncomingMessage, principal: JsonRpcPrincipal | undefined): void {
    const connection = new RpcConnection(socket, request, this.topics, this.options.limits, this.connectionEvents, principal);
    const origin = { transport: 'ws', request, principal: undefined, connection, bucket: connection.bucket } as const;
    connection.onFrame((text) => this.dispatcher.handleFrame(text, origin).catch((error: unknown) => this.logger.error(error)));
    socket.on('message', (data) => {
      connection.lastSeen = Date.now();
      connection.receiveFrame(rawDataToText(data));
    });
    socket.on('pong', () => (connection.lastSeen = Date.now()));
    // ws reports protocol violations (oversized frame -> 1009, bad UTF-8 -> 1007) as
    // 'error' and closes the socket itself; unhandled, the event would crash the process.
    socket.on('error', (error) => this.limitLogger.debug('socketError', `connection ${connection.id}: ${error.message}`));
    socket.once('close', (code) => void this.closed(connection, code));
    if (principal) this.perPrincipal.set(principal.id, (this.perPrincipal.get(principal.id) ?? 0) + 1);
    this.connections.add(connection);
    this.metrics.connectionOpened();
    // Debug level and throttled: clients provoke these lines at will (connect/close churn).
    this.limitLogger.debug('connect', `connect ${connection.id} (${request.socket.remoteAddress ?? '?'}${principal ? `, principal ${principal.id}` : ''})`);
  }

  private async closed(connection: RpcConnection, peerCode: number): Promise<void> {
    const code = connection.closeCode ?? peerCode;
    const id = connection.principal?.id;
    if (id !== undefined) {
      const count = (this.perPrincipal.get(id) ?? 1) - 1;
      if (count > 0) this.perPrincipal.set(id, count);
      else this.perPrincipal.delete(id);
    }
    this.metrics.connectionClosed();
    this.limitLogger.debug('disconnect', `disconnect ${connection.id} (code ${code}${id !== undefined ? `, principal ${id}` : ''})`);
    await this.connections.remove(connection, code).catch((error: unknown) => this.logger.error(error));
  }

  private readonly connectionEvents = { slowConsumer: (connection: RpcConnection, reason: string) => this.slowConsumer(connection, reason) };

  private slowConsumer(connection: RpcConnection, reason: string): void {
    this.limitLogger.warn('slowConsumer', `closing ${connection.id} (${JsonRpcCloseCode.SlowConsumer}): ${reason}`);
    this.metrics.drop(reason === 'Slow consumer' ? 'slowConsumer' : 'maxBufferedBytes');
  }

  /** A dead peer gets the close frame if anything still reaches it, but nobody waits for its answer. */
  private dead(connection: RpcConnection): void {
    this.limitLogger.warn('heartbeat', `terminating ${connection.id}: no pong`);
    this.metrics.drop('heartbeat');
    connection.terminate(JsonRpcCloseCode.HeartbeatTimeout, 'Heartbeat timeout');
  }

  /**
   * Graceful shutdown, once: refuse new upgrades and calls (-32099), let
   * in-flight calls finish within `drainMs`, then close every socket with 1001
   * and terminate those that do not finish the close handshake.
   */
  drain(): Promise<void> {
    this.drained ??= (async () => {
      this.shutdown.draining = true;
      this.heartbeat?.stop();
      clearInterval(this.sweeper);
      const deadline = Date.now() + this.options.drainMs;
      while (Date.now() < deadline && (this.shutdown.httpInFlight > 0 || this.connections.all().some((c) => c.inFlight > 0))) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await this.closeAll(JsonRpcCloseCode.GoingAway, 'Server shutting down');
      if (this.httpServer) {
        this.httpServer.off('upgrade', this.router);
        for (const listener of this.previousListeners) this.httpServer.on('upgrade', listener);
      }
      this.server?.close();
    })();
    return this.drained;
  }

  private async closeAll(code: number, reason: string): Promise<void> {
    const closing = this.connections.all().map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (connection.socket.readyState === WebSocket.CLOSED) return resolve();
          connection.socket.once('close', () => resolve());
          connection.close(code, reason); // terminated after a grace if the peer does not answer
        }),
    );
    await Promise.all(closing);
  }
}
