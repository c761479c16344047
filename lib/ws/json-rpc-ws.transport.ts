import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { JsonRpcAuthenticator } from '../auth/authenticator.js';
import type { JsonRpcPrincipal, ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { JsonRpcMessageRunner } from '../json-rpc-message.runner.js';
import { JsonRpcMetrics } from '../metrics/json-rpc.metrics.js';
import { JsonRpcCloseCode } from '../protocol/close-codes.js';
import { ConnectionRegistry } from '../push/connection.registry.js';
import { type ConnectionDeps, RpcConnection } from '../push/rpc-connection.js';
import { TopicRegistry } from '../push/topic.registry.js';
import { ShutdownCoordinator } from '../shutdown/shutdown.coordinator.js';
import { ThrottledLogger } from '../utils/throttled-logger.js';
import { BacklogSweep } from './backlog-sweep.js';
import { FrameLoop } from './frame-loop.js';
import { HeartbeatMonitor } from './heartbeat.monitor.js';
import { rawDataToText } from './raw-data.util.js';
import { assertSocketCorkable } from './socket-cork.js';
import { UpgradeAdmission } from './upgrade-admission.js';
import { upgradeRequestHead } from './upgrade-request-head.js';
import { UpgradeRouter } from './upgrade-router.js';
import { REFUSALS } from './upgrade-response.util.js';

interface SocketListeners {
  message(this: WebSocket, data: RawData): void;
  pong(this: WebSocket): void;
  error(this: WebSocket, error: Error): void;
  close(this: WebSocket, code: number): void;
}

/** The subprotocol we answer with when the client offers it (never a `bearer.` one). */
const SUBPROTOCOL = 'json-rpc';

/**
 * WebSocket endpoint on the app's own HTTP server, with a `ws` server of its
 * own (noServer) rather than a Nest gateway: a gateway cannot answer -32700
 * (WsAdapter drops unparsable frames), would parse each frame twice, and could
 * not refuse an upgrade with 401/403/503. It opens connections (router ->
 * admission -> RpcConnection wired to the socket), runs the sweeps over them
 * (slow consumers, heartbeat) and closes them on drain; frames go through
 * each connection's inbound gate to the frame loop.
 */
@Injectable()
export class JsonRpcWsTransport implements OnApplicationBootstrap {
  private readonly logger = new Logger('JsonRpc');
  private readonly limitLogger = new ThrottledLogger('JsonRpc');
  private server: WebSocketServer | undefined;
  private router: UpgradeRouter | undefined;
  private admission: UpgradeAdmission | undefined;
  private heartbeat: HeartbeatMonitor | undefined;
  /** Shared by every connection (limits, topics, where frames go). */
  private readonly deps: ConnectionDeps;
  /** The connection of each socket, for the listeners every socket shares. */
  private readonly connectionOf = new WeakMap<WebSocket, RpcConnection>();
  /**
   * One set of socket listeners for all sockets (`this` is the socket): four
   * closures per socket would cost a large fleet about 0.25 KiB per connection.
   */
  private readonly listeners: SocketListeners;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    messages: JsonRpcMessageRunner,
    private readonly connections: ConnectionRegistry,
    topics: TopicRegistry,
    private readonly authenticator: JsonRpcAuthenticator,
    private readonly shutdown: ShutdownCoordinator,
    private readonly metrics: JsonRpcMetrics,
  ) {
    this.deps = {
      limits: options.limits,
      topics,
      frames: new FrameLoop(messages),
      // Slow consumers are also caught between sends: a backlog that stopped growing still counts.
      backlogs: new BacklogSweep(Math.max(10, Math.min(1000, options.limits.slowConsumerMs / 2))),
      onSlowConsumer: (connection, reason) => this.slowConsumer(connection, reason),
    };
    const { connectionOf, limitLogger } = this;
    const transport = this;
    this.listeners = {
      message(this: WebSocket, data: RawData) {
        connectionOf.get(this)?.inbound.receive(rawDataToText(data));
      },
      pong(this: WebSocket) {
        connectionOf.get(this)?.inbound.touch();
      },
      // ws reports protocol violations (oversized frame -> 1009, bad UTF-8 -> 1007) as
      // 'error' and closes the socket itself; unhandled, the event would crash the process.
      error(this: WebSocket, error: Error) {
        const id = connectionOf.get(this)?.id;
        limitLogger.debug('socketError', () => `connection ${id}: ${error.message}`);
      },
      close(this: WebSocket, code: number) {
        const connection = connectionOf.get(this);
        connectionOf.delete(this);
        if (connection) void transport.closed(connection, code);
      },
    };
  }

  onApplicationBootstrap(): void {
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!this.options.ws || httpServer === undefined) return;
    assertSocketCorkable();
    const server = new WebSocketServer({
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
    this.server = server;
    this.admission = new UpgradeAdmission(server, this.options, this.authenticator, this.shutdown, this.metrics, this.limitLogger, () => this.connections.size);
    this.router = new UpgradeRouter(httpServer, this.options.path, (request, socket, head) => this.upgrade(request, socket, head));
    if (this.options.heartbeat) this.heartbeat = new HeartbeatMonitor(this.options.heartbeat, () => this.connections.values(), (connection) => this.dead(connection));
    this.shutdown.register({ stopAccepting: () => this.stopSweeps(), closeAll: () => this.closeAll() });
    this.logger.log(`WebSocket endpoint: ${this.options.path}`);
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const admission = this.admission!;
    admission.admit(request, socket, head, (ws, principal) => this.opened(ws, request, principal)).catch((error: unknown) => {
      this.logger.error(error);
      // The upgrade may be half done: a second handleUpgrade would throw here, unhandled.
      try {
        admission.refuse(request, socket, head, REFUSALS.internal);
      } catch {
        socket.destroy();
      }
    });
  }

  private opened(socket: WebSocket, request: IncomingMessage, principal: JsonRpcPrincipal | undefined): void {
    // The request itself is let go: only its head stays with the connection.
    const connection = new RpcConnection(socket, upgradeRequestHead(request, this.options.path), principal, this.deps);
    const { listeners } = this;
    this.connectionOf.set(socket, connection);
    socket.on('message', listeners.message);
    socket.on('pong', listeners.pong);
    socket.on('error', listeners.error);
    socket.on('close', listeners.close); // 'close' comes once; on() spares once()'s wrapper
    this.connections.add(connection);
    this.metrics.connectionOpened();
    // Debug level and throttled: clients provoke these lines at will (connect/close churn).
    this.limitLogger.debug('connect', () => `connect ${connection.id} (${request.socket.remoteAddress ?? '?'}${principal ? `, principal ${principal.id}` : ''})`);
  }

  private async closed(connection: RpcConnection, peerCode: number): Promise<void> {
    const code = connection.closeCode ?? peerCode;
    const id = connection.principal?.id;
    this.admission?.released(connection.principal);
    this.metrics.connectionClosed();
    this.limitLogger.debug('disconnect', () => `disconnect ${connection.id} (code ${code}${id !== undefined ? `, principal ${id}` : ''})`);
    await this.connections.remove(connection, code).catch((error: unknown) => this.logger.error(error));
  }

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

  private stopSweeps(): void {
    this.heartbeat?.stop();
    this.deps.backlogs.stop();
  }

  /** Draining is over: every socket gets 1001 (terminated after a grace if the peer does not answer). */
  private async closeAll(): Promise<void> {
    const closing = this.connections.all().map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (connection.socket.readyState === WebSocket.CLOSED) return resolve();
          connection.socket.once('close', () => resolve());
          connection.close(JsonRpcCloseCode.GoingAway, 'Server shutting down');
        }),
    );
    await Promise.all(closing);
    this.router?.uninstall();
    this.server?.close();
  }
}
