import type { JsonRpcPrincipal } from '../interfaces/json-rpc-module-options.interface.js';
import { JsonRpcCloseCode } from '../protocol/close-codes.js';
import { ExpiryTimer } from './expiry-timer.js';

/** What a session ends when its principal expires. */
export interface Closable {
  close(code: number, reason?: string): void;
}

/**
 * Who is connected on one socket, and until when: at the principal's
 * `expiresAt` the connection closes with 4002 unless `renew()`
 * (`rpc.authenticate`) moved the expiry first. The timer (and its closure)
 * exists only for principals that expire: a large fleet of plain sockets pays
 * one small object each.
 */
export class PrincipalSession {
  private current: JsonRpcPrincipal | undefined;
  private expiry: ExpiryTimer | undefined;

  constructor(
    private readonly connection: Closable,
    principal: JsonRpcPrincipal | undefined,
  ) {
    this.renew(principal);
  }

  get principal(): JsonRpcPrincipal | undefined {
    return this.current;
  }

  /** Replaces the principal (the caller checked it is the same id) and re-arms the expiry. */
  renew(principal: JsonRpcPrincipal | undefined): void {
    this.current = principal;
    if (principal?.expiresAt === undefined && !this.expiry) return;
    this.expiry ??= new ExpiryTimer(() => this.connection.close(JsonRpcCloseCode.AuthenticationExpired, 'Authentication expired'));
    this.expiry.set(principal?.expiresAt);
  }

  end(): void {
    this.expiry?.clear();
  }
}
