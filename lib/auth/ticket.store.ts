import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { JsonRpcPrincipal } from '../interfaces/json-rpc-module-options.interface.js';

interface Ticket {
  principal: JsonRpcPrincipal;
  expiresAt: number;
}

/**
 * Short-lived, single-use WebSocket tickets: an authenticated HTTP call gets
 * one, the browser opens `ws://.../rpc?ticket=...` with it. Kept in memory, so
 * a ticket works on the node that issued it.
 */
@Injectable()
export class TicketStore {
  private readonly tickets = new Map<string, Ticket>();

  issue(principal: JsonRpcPrincipal, ttlMs: number): string {
    this.sweep();
    const ticket = randomBytes(24).toString('base64url');
    this.tickets.set(ticket, { principal, expiresAt: Date.now() + ttlMs });
    return ticket;
  }

  /** The ticket's principal, once; undefined if unknown, used or expired. */
  consume(ticket: string): JsonRpcPrincipal | undefined {
    const entry = this.tickets.get(ticket);
    if (!entry) return undefined;
    this.tickets.delete(ticket);
    return entry.expiresAt > Date.now() ? entry.principal : undefined;
  }

  /** Forgets every outstanding ticket of a principal (logout). */
  revoke(principalId: string | number): void {
    for (const [ticket, entry] of this.tickets) if (entry.principal.id === principalId) this.tickets.delete(ticket);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [ticket, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(ticket);
  }
}
