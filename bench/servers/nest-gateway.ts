// A hand-rolled Nest gateway: WsAdapter + @SubscribeMessage('add'), frames
// `{event:'add', data:{id, params:[a,b]}}` answered `{event:'result', data:{id, result}}`.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { announce } from './serve.util.js';

@WebSocketGateway({ path: '/rpc' })
class AddGateway {
  @SubscribeMessage('add')
  add(@MessageBody() data: { id: number; params: [number, number] }): { event: string; data: { id: number; result: number } } {
    return { event: 'result', data: { id: data.id, result: data.params[0] + data.params[1] } };
  }
}

@Module({ providers: [AddGateway] })
class GatewayModule {}

const app = await NestFactory.create(GatewayModule, { logger: false });
app.useWebSocketAdapter(new WsAdapter(app));
await app.listen(0, '127.0.0.1');
announce(app.getHttpServer(), () => app.close());
