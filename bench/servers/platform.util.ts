import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** A Nest bench app on Express (default) or on Fastify (`fastify` as the platform argument). */
export async function createBenchApp(module: Type, platform = 'express'): Promise<INestApplication> {
  if (platform === 'express') return NestFactory.create(module, { logger: false });
  if (platform !== 'fastify') throw new Error(`unknown platform ${platform}`);
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  return NestFactory.create(module, new FastifyAdapter(), { logger: false });
}
