// A node for the fan-out benchmark: `bench.join` joins a topic, `bench.publish`
// publishes N messages. Started as its own process by fanout.ts.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { type JsonRpcContext, JsonRpcModule, JsonRpcServer, RedisPubSub, RpcCtx, RpcMethod, RpcService } from '../lib/index.js';

@RpcService('bench')
class FanoutRpc {
  constructor(private readonly server: JsonRpcServer) {}

  @RpcMethod({ paramNames: ['topic'] })
  async join(topic: string, @RpcCtx() ctx: JsonRpcContext): Promise<boolean> {
    await ctx.connection!.join(topic);
    return true;
  }

  /** Publishes `count` messages back to back; resolves when all were handed to the adapter. */
  @RpcMethod({ paramNames: ['topic', 'count'] })
  async publish(topic: string, count: number): Promise<number> {
    for (let n = 0; n < count; n++) await this.server.publish(topic, 'tick', { n, t: Date.now() });
    return count;
  }
}

const redisPort = process.env['REDIS_PORT'];
const client = redisPort ? new Redis({ host: '127.0.0.1', port: Number(redisPort) }) : undefined;

@Module({
  imports: [JsonRpcModule.forRoot({ pubsub: client ? new RedisPubSub({ client }) : undefined, limits: { maxMessageBytes: 1 << 20 } })],
  providers: [FanoutRpc],
})
class FanoutModule {}

const app = await NestFactory.create(FanoutModule, { logger: false });
await app.listen(0, '127.0.0.1');
process.stdout.write(`${(app.getHttpServer().address() as AddressInfo).port}\n`);
process.on('SIGTERM', () => void app.close().then(() => { client?.disconnect(); process.exit(0); }));
