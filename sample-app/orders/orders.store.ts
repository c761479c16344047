import Database from 'better-sqlite3';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Subject } from 'rxjs';
import type { Order, OrderEvent, OrderSide, OrderStatus } from './order.js';

export const DB_FILE = Symbol('DB_FILE');

/** A row of `orders`: the order, with SQL's column name for the creation time. */
type OrderRow = Omit<Order, 'createdAt'> & { created_at: string };

const toOrder = ({ created_at, ...order }: OrderRow): Order => ({ ...order, createdAt: created_at });

/**
 * Orders and their status history in SQLite. Every status change is an event
 * row whose id is the event id clients resume from (`lastEventId`).
 * better-sqlite3 is synchronous, so a replay and the switch to live events
 * cannot interleave with a new event.
 */
@Injectable()
export class OrdersStore implements OnApplicationShutdown {
  private readonly db: Database.Database;
  /** Every new event, as it is written. */
  readonly events$ = new Subject<OrderEvent>();

  constructor(@Inject(DB_FILE) file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS orders (
        id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
        qty INTEGER NOT NULL, price REAL NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS order_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL, owner TEXT NOT NULL,
        status TEXT NOT NULL, at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS order_events_owner ON order_events (owner, id);
    `);
  }

  create(owner: string, input: { symbol: string; side: OrderSide; qty: number; price: number }): Order {
    const row = this.db
      .prepare('INSERT INTO orders (owner, symbol, side, qty, price, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *')
      .get(owner, input.symbol, input.side, input.qty, input.price, 'open', new Date().toISOString()) as OrderRow;
    this.record(row.id, owner, 'open');
    return toOrder(row);
  }

  get(id: number): Order | undefined {
    const row = this.db.prepare('SELECT * FROM orders WHERE id = ?').get(id) as OrderRow | undefined;
    return row && toOrder(row);
  }

  list(filter: { owner?: string; status?: OrderStatus }): Order[] {
    const rows = this.db
      .prepare('SELECT * FROM orders WHERE (@owner IS NULL OR owner = @owner) AND (@status IS NULL OR status = @status) ORDER BY id')
      .all({ owner: filter.owner ?? null, status: filter.status ?? null }) as OrderRow[];
    return rows.map(toOrder);
  }

  /** Open orders created before `before` (ISO time), oldest first. */
  openBefore(before: string, limit: number): Order[] {
    const rows = this.db.prepare("SELECT * FROM orders WHERE status = 'open' AND created_at <= ? ORDER BY id LIMIT ?").all(before, limit) as OrderRow[];
    return rows.map(toOrder);
  }

  /** Changes the status only from `from`; undefined when it was not in that state. */
  transition(id: number, from: OrderStatus, to: OrderStatus): Order | undefined {
    const row = this.db.prepare('UPDATE orders SET status = ? WHERE id = ? AND status = ? RETURNING *').get(to, id, from) as OrderRow | undefined;
    if (!row) return undefined;
    this.record(id, row.owner, to);
    return toOrder(row);
  }

  /** A user's events after `afterId`, in order: what a resuming watcher missed. */
  eventsAfter(owner: string, afterId: number): OrderEvent[] {
    return this.db
      .prepare('SELECT id, order_id AS orderId, owner, status, at FROM order_events WHERE owner = ? AND id > ? ORDER BY id')
      .all(owner, afterId) as OrderEvent[];
  }

  private record(orderId: number, owner: string, status: OrderStatus): void {
    const event = this.db
      .prepare('INSERT INTO order_events (order_id, owner, status, at) VALUES (?, ?, ?, ?) RETURNING id, order_id AS orderId, owner, status, at')
      .get(orderId, owner, status, new Date().toISOString()) as OrderEvent;
    this.events$.next(event);
  }

  /**
   * The last hook of a shutdown, after the HTTP server closed: a request that
   * was still arriving (a slow upload) was answered -32099 by then, and nothing
   * else can reach the database.
   */
  onApplicationShutdown(): void {
    this.events$.complete();
    this.db.close();
  }
}
