import { Injectable } from '@nestjs/common';
import { TicketStore } from '../auth/ticket.store.js';
import type { JsonRpcConnection } from '../interfaces/json-rpc-connection.interface.js';
import type { JsonRpcInspection } from '../interfaces/json-rpc-inspection.interface.js';
import { CallStats } from '../metrics/call-stats.js';
import type { JsonRpcPrincipal } from '../interfaces/json-rpc-module-options.interface.js';
import { JsonRpcCloseCode } from '../protocol/close-codes.js';
import { ConnectionRegistry } from './connection.registry.js';
import { TopicRegistry } from './topic.registry.js';

/**
 * Server push, injectable anywhere: notify one connection, publish to a topic
 * (every node, through the `pubsub` adapter), list connections.
 *
 * @publicApi
 */
@Injectable()
export class JsonRpcServer {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly topics: TopicRegistry,
    private readonly tickets: TicketStore,
    private readonly stats: CallStats,
  ) {}

  /** Sends a notification to one connection of this node; false if it is gone. */
  notify(connectionId: string, method: string, params?: unknown): boolean {
    return this.registry.get(connectionId)?.notify(method, params) ?? false;
  }

  /**
   * Sends a notification to every connection that joined `topic`, on every node.
   * Rejects when the adapter cannot deliver (e.g. Redis down with `whenDisconnected: 'reject'`).
   */
  publish(topic: string, method: string, params?: unknown): Promise<void> {
    return this.topics.publish(topic, method, params);
  }

  /** The live WebSocket connections of this node. */
  connections(): JsonRpcConnection[] {
    return this.registry.all();
  }

  /** The live WebSocket connection of this node with that id (`ctx.connection.id`), or undefined once it closed. */
  connection(id: string): JsonRpcConnection | undefined {
    return this.registry.get(id);
  }

  /**
   * A read-only, JSON-safe snapshot of this node: open connections (principal,
   * age, topics), topics and their member counts, calls by method and result
   * code (totals and a 10-second rate) and the last calls slower than
   * `slowCallMs`. For an operator's page or a health endpoint; it changes nothing.
   */
  inspect(): JsonRpcInspection {
    const now = Date.now();
    const connections = this.registry.all().map((connection) => {
      const { openedAt } = connection;
      return {
        id: connection.id,
        principal: connection.principal?.id,
        openedAt: new Date(openedAt).toISOString(),
        ageMs: now - openedAt,
        topics: [...connection.topics],
        remoteAddress: connection.upgradeRequest.socket.remoteAddress,
      };
    });
    return { connections, topics: this.topics.entries(), calls: this.stats.rates(), slowCalls: this.stats.slowCalls() };
  }

  /**
   * Logout: closes every WebSocket of a principal on this node with 4004 (a
   * client stops, it does not reconnect) and revokes the tickets issued to it
   * that were not used yet, so none opens a socket afterwards. Returns how
   * many sockets were closed.
   */
  disconnect(filter: { principal: string | number }, reason = 'Logged out'): number {
    this.tickets.revoke(filter.principal);
    let closed = 0;
    for (const connection of this.registry.all()) {
      if (connection.principal?.id !== filter.principal) continue;
      connection.close(JsonRpcCloseCode.LoggedOut, reason);
      closed++;
    }
    return closed;
  }

  /**
   * A single-use ticket for a browser WebSocket (`ws://host/rpc?ticket=...`),
   * valid `ttlMs` (default 30 s) on this node. Issue it from an authenticated
   * HTTP call: the browser never puts its long-lived token in a URL.
   */
  issueTicket(principal: JsonRpcPrincipal, ttlMs = 30_000): string {
    return this.tickets.issue(principal, ttlMs);
  }
}
