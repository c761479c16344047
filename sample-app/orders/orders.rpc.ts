import { ConflictException, NotFoundException } from '@nestjs/common';
import { Observable } from 'rxjs';
import { JsonRpcServer, RpcEvent, RpcLastEventId, RpcMethod, RpcParams, RpcService, RpcSubscription } from '../../lib/index.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { User } from '../auth/users.js';
import { ListOrdersDto } from './dto/list-orders.dto.js';
import { OrderIdDto } from './dto/order-id.dto.js';
import { SubmitOrderDto } from './dto/submit-order.dto.js';
import type { Order, OrderEvent } from './order.js';
import { OrdersStore } from './orders.store.js';

@RpcService('order')
export class OrdersRpc {
  constructor(
    private readonly store: OrdersStore,
    private readonly rpc: JsonRpcServer,
  ) {}

  @RpcMethod({ description: 'Place an order', paramNames: ['symbol', 'side', 'qty', 'price'] })
  submit(@RpcParams() dto: SubmitOrderDto, @CurrentUser() user: User): Order {
    return this.store.create(user.id, dto);
  }

  @RpcMethod({ description: 'Status of one of your orders', paramNames: ['id'] })
  getStatus(@RpcParams() { id }: OrderIdDto, @CurrentUser() user: User): Pick<Order, 'id' | 'status'> {
    const order = this.owned(id, user);
    return { id: order.id, status: order.status };
  }

  @RpcMethod({ description: 'Your orders, optionally by status' })
  list(@RpcParams() filter: ListOrdersDto, @CurrentUser() user: User): Order[] {
    return this.store.list({ owner: user.id, status: filter?.status });
  }

  @RpcMethod({ description: 'Cancel one of your open orders', paramNames: ['id'] })
  cancel(@RpcParams() { id }: OrderIdDto, @CurrentUser() user: User): Order {
    this.owned(id, user);
    const cancelled = this.store.transition(id, 'open', 'cancelled');
    if (!cancelled) throw new ConflictException(`Order ${id} is ${this.store.get(id)!.status}`);
    return cancelled;
  }

  /**
   * Status changes of your orders, live. Resumable: each event carries its id;
   * subscribe again with `{ lastEventId }` to get what you missed, from SQLite,
   * then live events, with no gap and no repeat.
   */
  @RpcSubscription({ description: 'Status changes of your orders (resumable)' })
  watch(@CurrentUser() user: User, @RpcLastEventId() lastEventId: number | undefined): Observable<RpcEvent<OrderEvent>> {
    return new Observable<RpcEvent<OrderEvent>>((subscriber) => {
      // Synchronous replay (better-sqlite3), so no event can slip in before the live feed starts.
      if (lastEventId !== undefined) {
        for (const event of this.store.eventsAfter(user.id, Number(lastEventId))) subscriber.next(new RpcEvent(event, event.id));
      }
      const live = this.store.events$.subscribe((event) => {
        if (event.owner === user.id) subscriber.next(new RpcEvent(event, event.id));
      });
      return () => live.unsubscribe();
    });
  }

  @RpcMethod({ description: 'Every order of every user (admin only)' })
  @Roles('admin')
  all(@RpcParams() filter: ListOrdersDto): Order[] {
    return this.store.list({ status: filter?.status });
  }

  @RpcMethod({ description: 'Liveness check' })
  ping(): string {
    return 'pong';
  }

  /**
   * A single-use, 30-second ticket for a browser WebSocket: fetch it over HTTP with
   * the token in a header, then open `ws://host/rpc?ticket=...` (no token in URLs).
   */
  @RpcMethod({ description: 'Ticket for opening a WebSocket from a browser' })
  ticket(@CurrentUser() user: User): string {
    return this.rpc.issueTicket(user);
  }

  /** Another user's order is reported as missing, not as forbidden: ids leak nothing. */
  private owned(id: number, user: User): Order {
    const order = this.store.get(id);
    if (!order || (order.owner !== user.id && !user.roles.includes('admin'))) throw new NotFoundException(`Order ${id} not found`);
    return order;
  }
}
