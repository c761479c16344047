import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocket, WebSocketServer } from 'ws';
import type { CallOrigin } from '../context/json-rpc-call-context.js';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { JsonRpcDispatcher } from '../json-rpc.dispatcher.js';
import { requestPath } from '../utils/request-path.util.js';
import { ConnectionRegistry } from '../push/connection.registry.js';
import { RpcConnection } from '../push/rpc-connection.js';
import { TopicRegistry } from '../push/topic.registry.js';
import { rawDataToText } from './raw-data.util.js';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** WebSocket close codes used by the library (README, "Close codes"). */
export const enum CloseCode {
  Normal = 1000,
  GoingAway = 1001,
}

/** How long closing sockets get to finish their close handshake at shutdown. */
const CLOSE_GRACE_MS = 2000;

/**
 * WebSocket endpoint on the app's own HTTP server, with a `ws` server of its
 * own (noServer) rather than a Nest gateway: a gateway cannot answer -32700
 * (WsAdapter drops unparsable frames), would parse each frame twice, and
 * would need the app to install WsAdapter. Upgrades for other paths are handed
 * to whoever listened before (e.g. the app's own WsAdapter gateways).
 */
@Injectable()
export class JsonRpcWsTransport implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JsonRpc');
  private server: WebSocketServer | undefined;
  private httpServer: Server | undefined;
  private previousListeners: UpgradeListener[] = [];
  private readonly router: UpgradeListener = (request, socket, head) => this.route(request, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly dispatcher: JsonRpcDispatcher,
    private readonly connections: ConnectionRegistry,
    private readonly topics: TopicRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!this.options.ws || httpServer === undefined) return;
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.limits.maxMessageBytes, // never ws's 100 MiB default
      perMessageDeflate: false,
      clientTracking: false,
    });
    // Runs after Nest's gateways registered their upgrade listeners (during init):
    // take them over so that an upgrade is handled by exactly one owner.
    this.httpServer = httpServer;
    this.previousListeners = httpServer.listeners('upgrade') as UpgradeListener[];
    httpServer.removeAllListeners('upgrade');
    httpServer.on('upgrade', this.router);
    this.logger.log(`WebSocket endpoint: ${this.options.path}`);
  }

  // Before the HTTP server is closed: it would otherwise wait on every open socket.
  async beforeApplicationShutdown(): Promise<void> {
    if (this.httpServer) {
      this.httpServer.off('upgrade', this.router);
      for (const listener of this.previousListeners) this.httpServer.on('upgrade', listener);
    }
    await this.closeAll(CloseCode.GoingAway, 'Server shutting down');
    this.server?.close();
  }

  private route(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (requestPath(request.url) === this.options.path) {
      this.server!.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws, request));
      return;
    }
    if (this.previousListeners.length === 0) {
      socket.on('error', () => socket.destroy());
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    for (const listener of this.previousListeners) listener.call(this.httpServer, request, socket, head);
  }

  private onConnection(socket: WebSocket, request: IncomingMessage): void {
    const connection = new RpcConnection(socket, request, this.topics);
    const origin = { transport: 'ws', request, principal: undefined, connection } satisfies CallOrigin;
    socket.on('message', (data) => {
      this.dispatcher.handleFrame(rawDataToText(data), origin).catch((error: unknown) => this.logger.error(error));
    });
    // ws reports protocol violations (oversized frame -> 1009, bad UTF-8 -> 1007) as
    // 'error' and closes the socket itself; unhandled, the event would crash the process.
    socket.on('error', (error) => this.logger.debug(`connection ${connection.id}: ${error.message}`));
    socket.once('close', (code) => {
      this.connections.remove(connection, code).catch((error: unknown) => this.logger.error(error));
    });
    this.connections.add(connection);
  }

  private async closeAll(code: number, reason: string): Promise<void> {
    const closing = this.connections.all().map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.close(code, reason);
        }),
    );
    await Promise.all(closing);
  }
}
