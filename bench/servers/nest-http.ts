// Plain Nest HTTP controllers: `full` (guard + ValidationPipe + interceptor on
// POST /add) and `bare` (POST /add adding two body fields, nothing else: the platform's floor);
// a second argument `fastify` runs it on @nestjs/platform-fastify.
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AddDto, BenchGuard, BenchInterceptor } from './nest-pipeline.js';
import { createBenchApp } from './platform.util.js';
import { announce } from './serve.util.js';

const variant = process.argv[2] ?? 'full';

@Controller()
class FullController {
  @Post('add')
  @HttpCode(200)
  add(@Body() dto: AddDto): { result: number } {
    return { result: dto.a + dto.b };
  }
}

@Controller()
class BareController {
  @Post('add')
  @HttpCode(200)
  add(@Body() body: { a: number; b: number }): { result: number } {
    return { result: body.a + body.b };
  }
}

@Module({
  controllers: [variant === 'full' ? FullController : BareController],
  providers: variant === 'full' ? [{ provide: APP_GUARD, useClass: BenchGuard }, { provide: APP_INTERCEPTOR, useClass: BenchInterceptor }] : [],
})
class HttpModule {}

const app = await createBenchApp(HttpModule, process.argv[3]);
if (variant === 'full') app.useGlobalPipes(new ValidationPipe());
await app.listen(0, '127.0.0.1');
announce(app.getHttpServer(), () => app.close());
