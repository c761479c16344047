// The node under soak, pinned to core 0 by soak.ts and sampled over IPC.
// Methods: soak.add (positional), soak.order (ValidationPipe DTO: the load
// sends some invalid ones), soak.slow (outlives the 300 ms handler timeout:
// -32008), soak.echo; a subscription soak.ticks (a shared 2/s counter) and the
// topic "soak" every connection joins, published every second.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Module, UsePipes, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsInt, IsString, Min } from 'class-validator';
import { Observable, Subject } from 'rxjs';
import { type JsonRpcConnection, type JsonRpcContext, JsonRpcModule, JsonRpcServer, type OnRpcConnect, RpcCtx, RpcMethod, RpcParams, RpcService, RpcSubscription } from '../../lib/index.js';
import { serve } from '../scale/ipc.util.js';
import { getHeapSpaceStatistics } from 'node:v8';
import { loopDelay, serverStats } from '../scale/stats.util.js';

export class OrderDto {
  @IsString() symbol!: string;
  @IsInt() @Min(1) qty!: number;
}

const ticks = new Subject<number>();
let subscriptions = 0;

@RpcService('soak')
class SoakRpc implements OnRpcConnect {
  constructor(private readonly server: JsonRpcServer) {}

  onRpcConnect(connection: JsonRpcConnection): void {
    void connection.join('soak');
  }

  @RpcMethod()
  add(a: number, b: number): number {
    return a + b;
  }

  @RpcMethod()
  @UsePipes(new ValidationPipe())
  order(@RpcParams() order: OrderDto): string {
    return `${order.qty} ${order.symbol}`;
  }

  /** Waits `ms` unless the call is aborted (handler timeout, cancel, disconnect): no timer outlives its call. */
  @RpcMethod({ paramNames: ['ms'] })
  slow(ms: number, @RpcCtx() ctx: JsonRpcContext): Promise<string> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('late'), ms);
      ctx.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
  }

  @RpcMethod({ paramNames: ['payload'] })
  echo(payload: unknown): unknown {
    return payload;
  }

  /** Every subscriber hears the same counter; counted while subscribed, so a leak of subscriptions shows. */
  @RpcSubscription()
  ticks(): Observable<number> {
    return new Observable<number>((observer) => {
      subscriptions++;
      const inner = ticks.subscribe(observer);
      return () => {
        subscriptions--;
        inner.unsubscribe();
      };
    });
  }

  news(n: number): Promise<void> {
    return this.server.publish('soak', 'soak.news', { n });
  }
}

@Module({
  imports: [JsonRpcModule.forRoot({ limits: { handlerTimeoutMs: 300, maxConnections: 100_000 }, heartbeat: { intervalMs: 5000, timeoutMs: 5000 } })],
  providers: [SoakRpc],
})
class SoakModule {}

const app = await NestFactory.create(SoakModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
const rpc = app.get(SoakRpc);
let tick = 0;
let news = 0;
setInterval(() => ticks.next(++tick), 500).unref();
setInterval(() => void rpc.news(++news).catch(() => undefined), 1000).unref();
const delay = loopDelay();

serve(async (message) => {
  switch (message.cmd) {
    case 'port':
      return { port: (app.getHttpServer().address() as AddressInfo).port };
    case 'sample': {
      const eldP99 = delay.take(); // before the GC below, which would show up as delay
      const stats = await serverStats(app.get(JsonRpcServer).connections().length);
      delay.reset(); // the forced GC is the bench's own pause, not the server's
      // Which V8 space holds the reserved heap (RSS follows heapTotal, not heapUsed).
      const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, Math.round((space.space_size / 2 ** 20) * 10) / 10]));
      return { ...stats, eldP99, subscriptions, published: news, spaces };
    }
    default:
      throw new Error(`unknown command ${message.cmd}`);
  }
});
