import { closeAction, type CloseAction } from '../protocol/close-codes.js';
import { Backoff } from './backoff.js';
import { ConnectionClosedError, ConnectionRefusedError } from './client.errors.js';
import type {
  JsonRpcClientOptions,
  JsonRpcClientState,
  JsonRpcCredentials,
  WebSocketConstructor,
  WebSocketLike,
} from './client-options.interface.js';
import { refusalAction, refusedStatus } from './upgrade-refusal.js';

/** What the link tells the client. */
export interface LinkHandler {
  /** Credentials for this connection attempt (asked on every attempt). */
  credentials(): Promise<JsonRpcCredentials | undefined>;
  opened(credentials: JsonRpcCredentials | undefined): void;
  message(text: string): void;
  /** The socket is gone: what was sent on it and is not idempotent fails with `error`. */
  dropped(error: ConnectionClosedError): void;
  /** No reconnect follows (state `closed`): everything still waiting fails; `why` is undefined when the user closed. */
  stopped(why: Error | undefined): void;
  state(state: JsonRpcClientState): void;
  /** A reconnect is scheduled in `delayMs`. */
  reconnecting(info: ReconnectInfo): void;
}

/** A scheduled reconnect: the attempt number (1 = first after the drop), its wait and the close that caused it. */
export interface ReconnectInfo {
  attempt: number;
  delayMs: number;
  closeCode: number;
}

const ABNORMAL = 1006;
const ignore = () => undefined;
const PING = '{"jsonrpc":"2.0","method":"rpc.ping","id":"rpc.ping"}';
const unref = (timer: ReturnType<typeof setTimeout>) => (timer as { unref?: () => void }).unref?.();

function credentialParts(credentials: JsonRpcCredentials | undefined): { token?: string; ticket?: string } {
  return typeof credentials === 'string' ? { token: credentials } : (credentials ?? {});
}

/**
 * One logical WebSocket connection over a succession of sockets: connects,
 * classifies each close with the shared close-code table, reconnects with
 * full-jitter backoff, and detects a dead peer with `rpc.ping`.
 */
export class WsLink {
  private socket: WebSocketLike | undefined;
  private current: JsonRpcClientState;
  private readonly backoff: Backoff;
  private readonly WebSocketImpl: WebSocketConstructor;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  private pingSentAt = 0;
  /** Set when we reconnect because credentials were refused; cleared by a frame from the server. */
  private authRetried = false;
  /** Got a frame on this socket: the server accepted us (resets the backoff and the auth retry). */
  private heardFrom = false;

  constructor(
    private readonly options: JsonRpcClientOptions,
    private readonly handler: LinkHandler,
  ) {
    this.backoff = new Backoff(options.reconnect === false ? {} : options.reconnect);
    const impl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (impl === undefined) throw new TypeError('No WebSocket implementation: pass { WebSocket } (in Node 20: import { WebSocket } from "ws")');
    this.WebSocketImpl = impl;
    this.current = 'idle';
  }

  get state(): JsonRpcClientState {
    return this.current;
  }

  get isOpen(): boolean {
    return this.current === 'open';
  }

  /** Connects unless connecting, open or closed for good. */
  start(): void {
    if (this.current === 'idle') void this.connect('connecting');
  }

  send(text: string): void {
    this.socket!.send(text);
  }

  /** Closes for good (`closed`) or until the next call (`idle`). */
  close(to: 'closed' | 'idle', code = 1000, reason = ''): void {
    clearTimeout(this.retryTimer);
    const socket = this.detach();
    socket?.close(code, reason);
    if (this.current === 'closed') return;
    this.setState(to);
    if (socket) this.handler.dropped(new ConnectionClosedError(code, reason || 'closed by the client'));
    if (to === 'closed') this.handler.stopped(undefined);
  }

  private setState(state: JsonRpcClientState): void {
    if (this.current === state) return;
    this.current = state;
    this.handler.state(state);
  }

  private async connect(state: 'connecting' | 'reconnecting'): Promise<void> {
    this.setState(state);
    let credentials: JsonRpcCredentials | undefined;
    try {
      credentials = await this.handler.credentials();
    } catch (error) {
      // A token service that is down for a moment: try again with backoff, like a failed connect.
      if (this.current !== state) return;
      return this.closed(ABNORMAL, `auth() failed: ${error instanceof Error ? error.message : String(error)}`, undefined);
    }
    if (this.current !== state) return; // closed meanwhile
    const { token, ticket } = credentialParts(credentials);
    const url = ticket === undefined ? this.options.url : `${this.options.url}${this.options.url.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`;
    // No subprotocol unless a token rides on one: `ws` (like RFC 6455) fails a handshake whose
    // offered subprotocols the server did not answer, and other servers know none of ours.
    const protocols: string[] = [];
    let socketOptions: object | undefined;
    if (token !== undefined && this.options.tokenIn === 'header') socketOptions = { headers: { authorization: `Bearer ${token}` } };
    else if (token !== undefined) protocols.push('json-rpc', `bearer.${token}`);
    let socket: WebSocketLike;
    try {
      socket = socketOptions ? new this.WebSocketImpl(url, protocols, socketOptions) : new this.WebSocketImpl(url, protocols);
    } catch (error) {
      return this.finish(error instanceof Error ? error : new Error(String(error))); // a malformed URL or token
    }
    this.socket = socket;
    this.heardFrom = false;
    let refused: number | undefined;
    socket.onopen = () => {
      this.lastFrameAt = Date.now();
      this.pingSentAt = 0;
      this.setState('open');
      this.startHeartbeat();
      this.handler.opened(credentials);
    };
    socket.onmessage = (event) => {
      this.lastFrameAt = Date.now();
      this.pingSentAt = 0;
      if (!this.heardFrom) {
        this.heardFrom = true;
        this.authRetried = false;
        this.backoff.reset();
      }
      if (typeof event.data === 'string') this.handler.message(event.data);
    };
    socket.onerror = (event) => {
      refused = refusedStatus(event) ?? refused;
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.detach();
      this.closed(event.code, event.reason, refused);
    };
  }

  /** A socket ended that we did not close ourselves. */
  private closed(code: number, reason: string, refusedWith: number | undefined): void {
    const action: CloseAction = refusedWith !== undefined ? refusalAction(refusedWith) : closeAction(code);
    const dropError = new ConnectionClosedError(code, reason);
    const why =
      refusedWith !== undefined
        ? new ConnectionRefusedError(refusedWith, `WebSocket upgrade refused with HTTP ${refusedWith}`)
        : new ConnectionClosedError(code, reason);
    if (action === 'stop') return this.finish(why, dropError);
    if (action === 'reauthenticate') {
      // An auth failure is retried once with fresh credentials, never in a loop.
      if (this.authRetried) return this.finish(why, dropError);
      this.authRetried = true;
    }
    if (this.options.reconnect === false || this.backoff.exhausted) return this.finish(why, dropError);
    this.handler.dropped(dropError);
    this.setState('reconnecting');
    const delay = action === 'reauthenticate' ? 0 : this.backoff.next();
    this.handler.reconnecting({ attempt: this.backoff.attempts, delayMs: delay, closeCode: code });
    this.retryTimer = setTimeout(() => void this.connect('reconnecting'), delay);
  }

  /** No more reconnects: `closed`, and the client rejects whatever waits. */
  private finish(why: Error, dropError = new ConnectionClosedError(ABNORMAL, why.message)): void {
    this.detach()?.close();
    this.setState('closed');
    this.handler.dropped(dropError);
    this.handler.stopped(why);
  }

  private detach(): WebSocketLike | undefined {
    const socket = this.socket;
    this.socket = undefined;
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      // Not null: `ws` emits 'error' when a socket still connecting is closed, and an
      // EventEmitter 'error' nobody listens to is thrown (it would crash a Node process).
      socket.onerror = ignore;
    }
    return socket;
  }

  /**
   * Browsers cannot send ping frames: after `heartbeatMs` without a frame we
   * send `rpc.ping`; no frame within `heartbeatTimeoutMs` after it means the
   * peer (or the path to it) is dead, which a TCP socket may not notice for minutes.
   */
  private startHeartbeat(): void {
    const every = this.options.heartbeatMs ?? 15_000;
    if (every <= 0) return;
    const timeout = this.options.heartbeatTimeoutMs ?? 5_000;
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      if (this.pingSentAt !== 0 && now - this.pingSentAt >= timeout) {
        const socket = this.detach();
        socket?.close(4008, 'Heartbeat timeout');
        return this.closed(ABNORMAL, 'heartbeat timeout', undefined);
      }
      if (this.pingSentAt === 0 && now - this.lastFrameAt >= every) {
        this.pingSentAt = now;
        this.socket?.send(PING);
      }
    }, Math.max(10, Math.floor(Math.min(every, timeout) / 2)));
    unref(this.heartbeatTimer);
  }
}
