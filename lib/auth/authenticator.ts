import type { IncomingMessage } from 'node:http';
import type { JsonRpcRequestHead } from '../interfaces/json-rpc-request-head.interface.js';
import { Inject, Injectable } from '@nestjs/common';
import type { JsonRpcPrincipal, ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { ThrottledLogger } from '../utils/throttled-logger.js';
import { extractTicket, extractToken } from './extract-token.util.js';
import { TicketStore } from './ticket.store.js';

/** `undefined` principal with `ok: true` means: no `authenticate` configured, anyone may call. */
export type AuthResult = { ok: true; principal: JsonRpcPrincipal | undefined } | { ok: false };

const REFUSED: AuthResult = { ok: false };
const ANONYMOUS: AuthResult = { ok: true, principal: undefined };

export function isExpired(principal: JsonRpcPrincipal | undefined): boolean {
  return principal?.expiresAt !== undefined && principal.expiresAt <= Date.now();
}

/** Runs the app's `authenticate`. Never logs a token. */
@Injectable()
export class JsonRpcAuthenticator {
  private readonly logger = new ThrottledLogger('JsonRpc');

  constructor(
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly tickets: TicketStore,
  ) {}

  get enabled(): boolean {
    return this.options.authenticate !== undefined;
  }

  /** WebSocket upgrade: a ticket first (browsers), then the token. */
  async upgrade(request: IncomingMessage): Promise<AuthResult> {
    if (!this.enabled) return ANONYMOUS;
    const ticket = extractTicket(request);
    if (ticket !== undefined) {
      const principal = this.tickets.consume(ticket);
      if (principal && !isExpired(principal)) return { ok: true, principal };
      this.refused(request, 'ws', 'unknown, used or expired ticket');
      return REFUSED;
    }
    return this.check(request, extractToken(request), 'ws');
  }

  /** An HTTP request, or `rpc.authenticate` on a live socket (with the new token). */
  async check(request: JsonRpcRequestHead, token: string | undefined, transport: 'ws' | 'http'): Promise<AuthResult> {
    const authenticate = this.options.authenticate;
    if (authenticate === undefined) return ANONYMOUS;
    let principal: JsonRpcPrincipal | undefined | null;
    try {
      principal = await authenticate(request, token);
    } catch {
      principal = undefined;
    }
    if (!principal || isExpired(principal)) {
      this.refused(request, transport, token === undefined ? 'no token' : 'token refused');
      return REFUSED;
    }
    return { ok: true, principal };
  }

  private refused(request: JsonRpcRequestHead, transport: string, why: string): void {
    this.logger.warn('auth', `authentication failed (${transport}, ${request.socket.remoteAddress ?? '?'}): ${why}`);
  }
}
