// `npm run build && node dist/bench/discovery-bootstrap.js`: what discovery adds
// to bootstrap for 100 methods (class-validator DTOs and Zod schemas, half each):
// the app's bootstrap with discovery on and off, alternated, medians; and the document's size.
import 'reflect-metadata';
import { Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { z } from 'zod';
import { JsonRpcModule, RpcMethod, RpcParams, RpcService } from '../lib/index.js';
import { JsonRpcDiscovery } from '../lib/openrpc/json-rpc-discovery.js';

const METHODS = Number(process.env['BENCH_METHODS'] ?? 100);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 15);

/** Ten DTO classes, as an app has a few dozen. */
const dtos: Type[] = Array.from({ length: 10 }, (_, index) => {
  class Dto {
    name!: string;
    count!: number;
    note?: string;
  }
  Object.defineProperty(Dto, 'name', { value: `Dto${index}` });
  IsString()(Dto.prototype, 'name');
  IsInt()(Dto.prototype, 'count');
  Min(0)(Dto.prototype, 'count');
  IsOptional()(Dto.prototype, 'note');
  IsString()(Dto.prototype, 'note');
  return Dto;
});

/** One service with METHODS methods, decorated as the decorators would be by hand. */
function manyMethods(): Type {
  class ManyRpc {}
  for (let index = 0; index < METHODS; index++) {
    const key = `m${index}`;
    const handler = function (params: unknown) {
      return params;
    };
    Object.defineProperty(ManyRpc.prototype, key, { value: handler, writable: true, configurable: true });
    const zod = index % 2 === 1;
    Reflect.defineMetadata('design:paramtypes', [zod ? Object : dtos[index % dtos.length]], ManyRpc.prototype, key);
    const params = zod ? RpcParams({ schema: z.object({ name: z.string(), count: z.number().int().min(0), note: z.string().optional() }) }) : RpcParams();
    params(ManyRpc.prototype, key, 0);
    const descriptor = Object.getOwnPropertyDescriptor(ManyRpc.prototype, key)!;
    RpcMethod({ description: `Method ${index}`, paramNames: ['name', 'count', 'note'] })(ManyRpc.prototype, key, descriptor);
  }
  RpcService('many')(ManyRpc);
  return ManyRpc;
}

const Many = manyMethods();

async function bootOnce(discovery: boolean): Promise<{ ms: number; bytes: number }> {
  @Module({ imports: [JsonRpcModule.forRoot({ discovery, http: false, ws: false, heartbeat: false })], providers: [Many] })
  class BootModule {}
  const started = performance.now();
  const app = await NestFactory.createApplicationContext(BootModule, { logger: false }); // runs init()
  const ms = performance.now() - started;
  const document = app.get(JsonRpcDiscovery).documentFor(undefined, { headers: {}, socket: {} } as never);
  await app.close();
  return { ms, bytes: document ? JSON.stringify(document).length : 0 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const on: number[] = [];
const off: number[] = [];
let bytes = 0;
await bootOnce(true); // warm up module loading and the converters
await bootOnce(false);
for (let round = 0; round < REPEATS; round++) {
  const result = await bootOnce(true);
  on.push(result.ms);
  bytes = result.bytes;
  off.push((await bootOnce(false)).ms);
}
console.log(
  `${METHODS} methods: init ${median(on).toFixed(1)} ms with discovery, ${median(off).toFixed(1)} ms without (added ${(median(on) - median(off)).toFixed(1)} ms, medians of ${REPEATS}); document ${bytes} bytes`,
);
