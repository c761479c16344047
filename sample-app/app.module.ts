import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Redis } from 'ioredis';
import { JsonRpcModule, RedisPubSub } from '../lib/index.js';
import { AdminRpc } from './admin/admin.rpc.js';
import { SessionRpc } from './auth/session.rpc.js';
import { RolesGuard } from './auth/roles.guard.js';
import { authenticate } from './auth/users.js';
import { MetricsController } from './desk/metrics.controller.js';
import { DeskPresence } from './desk/desk-presence.service.js';
import { FILL_AFTER_MS, FulfilmentService } from './desk/fulfilment.service.js';
import { OrdersRpc } from './orders/orders.rpc.js';
import { DB_FILE, OrdersStore } from './orders/orders.store.js';
import { WebController } from './web/web.controller.js';

export interface OrderDeskOptions {
  /** SQLite file (`:memory:` for tests). */
  dbFile: string;
  /** How old an open order is before the fulfilment process fills it. */
  fillAfterMs: number;
  /** With a Redis URL, topic broadcasts reach every node; without, one node. */
  redisUrl?: string;
}

@Module({})
export class AppModule {
  static register(options: OrderDeskOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        JsonRpcModule.forRootAsync({
          useFactory: () => ({
            path: '/rpc',
            authenticate,
            metrics: true,
            pubsub: options.redisUrl ? new RedisPubSub({ client: new Redis(options.redisUrl) }) : undefined,
          }),
        }),
      ],
      controllers: [MetricsController, WebController],
      providers: [
        { provide: DB_FILE, useValue: options.dbFile },
        { provide: FILL_AFTER_MS, useValue: options.fillAfterMs },
        OrdersStore,
        OrdersRpc,
        AdminRpc,
        SessionRpc,
        FulfilmentService,
        DeskPresence,
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
    };
  }
}
