// This library, four ways: `bare` (no enhancers), `guard` (global guard +
// interceptor), `full` (global guard + ValidationPipe with a DTO + interceptor),
// `zod` (global guard + StandardSchemaValidationPipe with a Zod 4 schema + interceptor);
// a second argument `fastify` runs it on @nestjs/platform-fastify.
import 'reflect-metadata';
import { Module, StandardSchemaValidationPipe, ValidationPipe } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JsonRpcModule, RpcMethod, RpcParams, RpcService } from '../../lib/index.js';
import { AddDto, BenchGuard, BenchInterceptor } from './nest-pipeline.js';
import { createBenchApp } from './platform.util.js';
import { announce } from './serve.util.js';
import { z } from 'zod';

const variant = process.argv[2] ?? 'bare';

@RpcService()
class BareRpc {
  @RpcMethod()
  add(a: number, b: number): number {
    return a + b;
  }
}

@RpcService()
class DtoRpc {
  @RpcMethod({ name: 'add', paramNames: ['a', 'b'] })
  add(@RpcParams() dto: AddDto): number {
    return dto.a + dto.b;
  }
}

// The same two fields as AddDto, as a Standard Schema.
const AddSchema = z.object({ a: z.number(), b: z.number() });

@RpcService()
class ZodRpc {
  @RpcMethod({ name: 'add', paramNames: ['a', 'b'] })
  add(@RpcParams({ schema: AddSchema }) params: z.infer<typeof AddSchema>): number {
    return params.a + params.b;
  }
}

const HOSTS = { bare: BareRpc, guard: BareRpc, full: DtoRpc, zod: ZodRpc } as const;

// The defaults protect a public endpoint (50 calls/s per connection); a benchmark measures speed.
const limits = { ratePerSecond: 1e9, rateBurst: 1e9, maxInFlightPerConnection: 1024 };
const enhancers = variant === 'bare' ? [] : [{ provide: APP_GUARD, useClass: BenchGuard }, { provide: APP_INTERCEPTOR, useClass: BenchInterceptor }];

@Module({
  imports: [JsonRpcModule.forRoot({ limits, heartbeat: false })],
  providers: [HOSTS[variant as keyof typeof HOSTS] ?? BareRpc, ...enhancers],
})
class BenchModule {}

const app = await createBenchApp(BenchModule, process.argv[3]);
if (variant === 'full') app.useGlobalPipes(new ValidationPipe());
if (variant === 'zod') app.useGlobalPipes(new StandardSchemaValidationPipe());
await app.listen(0, '127.0.0.1');
announce(app.getHttpServer(), () => app.close());
