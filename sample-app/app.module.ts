import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JsonRpcModule } from '../lib/index.js';
import { AuthGuard } from './auth/auth.guard.js';
import { OrdersRpc } from './orders/orders.rpc.js';
import { OrdersStore } from './orders/orders.store.js';

@Module({
  imports: [JsonRpcModule.forRoot({ path: '/rpc' })],
  providers: [OrdersStore, OrdersRpc, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AppModule {}
