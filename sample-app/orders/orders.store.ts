import { Injectable } from '@nestjs/common';
import type { Order, OrderSide, OrderStatus } from './order.js';

/** In memory for now; SQLite arrives with the push work. */
@Injectable()
export class OrdersStore {
  private readonly orders = new Map<number, Order>();
  private nextId = 1;

  create(owner: string, input: { symbol: string; side: OrderSide; qty: number; price: number }): Order {
    const order: Order = { id: this.nextId++, owner, ...input, status: 'open', createdAt: new Date().toISOString() };
    this.orders.set(order.id, order);
    return { ...order };
  }

  get(id: number): Order | undefined {
    const order = this.orders.get(id);
    return order && { ...order };
  }

  list(filter: { owner?: string; status?: OrderStatus }): Order[] {
    return [...this.orders.values()]
      .filter((o) => (filter.owner === undefined || o.owner === filter.owner) && (filter.status === undefined || o.status === filter.status))
      .map((o) => ({ ...o }));
  }

  setStatus(id: number, status: OrderStatus): Order | undefined {
    const order = this.orders.get(id);
    if (!order) return undefined;
    order.status = status;
    return { ...order };
  }
}
