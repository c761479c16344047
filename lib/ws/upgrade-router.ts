import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { requestPath } from '../utils/request-path.util.js';
import { refuseUpgrade } from './upgrade-response.util.js';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

type Emit = Server['emit'];

/**
 * Routes the HTTP server's `upgrade` events: those for our path come to us
 * alone; every other one goes on to whatever listens at that moment (Nest's
 * WsAdapter gateways, a `ws` server attached after `listen()`), exactly as if
 * we were not there; nobody listening -> 404. An event emitter calls every
 * listener of an event, and Nest's WsAdapter destroys the sockets of paths it
 * does not know, so no listener of ours could keep an upgrade to itself: this
 * file takes the server's `emit` for 'upgrade' events only, the one seam on
 * Node's HTTP server, and gives it back on uninstall.
 */
export class UpgradeRouter {
  private readonly emit: Emit;
  private readonly route: Emit;
  /** Keeps Node treating upgrade requests as upgrades (it checks for a listener), and answers 404 when alone. */
  private readonly fallback: UpgradeHandler = (_request, socket) => {
    if (this.server.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404);
  };

  constructor(
    private readonly server: Server,
    private path: string,
    private readonly handle: UpgradeHandler,
  ) {
    if (typeof server.emit !== 'function' || typeof server.listenerCount !== 'function') {
      throw new Error('JsonRpcModule: the HTTP server is not an EventEmitter; cannot route WebSocket upgrades');
    }
    this.emit = server.emit;
    const route = (event: string | symbol, ...args: unknown[]): boolean => {
      // Node emits 'upgrade' with (request, socket, head).
      if (event === 'upgrade' && requestPath((args[0] as IncomingMessage).url) === this.path) {
        this.handle(args[0] as IncomingMessage, args[1] as Duplex, args[2] as Buffer);
        return true;
      }
      return Reflect.apply(this.emit, server, [event, ...args]) as boolean;
    };
    this.route = route as Emit;
    server.emit = this.route;
    server.on('upgrade', this.fallback);
  }

  uninstall(): void {
    // Someone who wrapped emit after us keeps theirs (and calls ours, which now forwards everything).
    if (this.server.emit === this.route) this.server.emit = this.emit;
    else this.path = '\0';
    this.server.off('upgrade', this.fallback);
  }
}
