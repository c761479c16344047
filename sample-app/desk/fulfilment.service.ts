import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { JsonRpcServer } from '../../lib/index.js';
import { OrdersStore } from '../orders/orders.store.js';

export const FILL_AFTER_MS = Symbol('FILL_AFTER_MS');

/** The topic every connected desk joins: fills are announced to everyone. */
export const DESK_TOPIC = 'desk';

/**
 * The background process of the desk: fills open orders once they are
 * `fillAfterMs` old, and announces each fill on the desk topic.
 */
@Injectable()
export class FulfilmentService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Fulfilment');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: OrdersStore,
    private readonly rpc: JsonRpcServer,
    @Inject(FILL_AFTER_MS) private readonly fillAfterMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.min(1000, this.fillAfterMs / 2)));
  }

  /**
   * Stopped first, in the first shutdown hook: the store it writes to closes
   * later (after the HTTP server), and the server's close may wait a long time
   * for a slow upload. A tick after the database closed would crash the process.
   */
  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.logger.log('stopped');
  }

  tick(): void {
    const before = new Date(Date.now() - this.fillAfterMs).toISOString();
    for (const order of this.store.openBefore(before, 50)) {
      const filled = this.store.transition(order.id, 'open', 'filled');
      if (!filled) continue;
      const { id: orderId, owner, symbol, side, qty, price } = filled;
      this.rpc.publish(DESK_TOPIC, 'desk.fill', { orderId, owner, symbol, side, qty, price }).catch((error: Error) => this.logger.warn(`broadcast failed: ${error.message}`));
    }
  }
}
