import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/**
 * The HTTP platform of every test app: `JSONRPC_TEST_PLATFORM=express|fastify`
 * (default express). test/run-tests.mjs runs the integration suites once per platform.
 */
export type TestPlatform = 'express' | 'fastify';

export const TEST_PLATFORM: TestPlatform = readPlatform(process.env['JSONRPC_TEST_PLATFORM']);

function readPlatform(value: string | undefined): TestPlatform {
  if (value === undefined || value === '' || value === 'express') return 'express';
  if (value === 'fastify') return 'fastify';
  throw new Error(`JSONRPC_TEST_PLATFORM must be express or fastify, got ${JSON.stringify(value)}`);
}

/** NestFactory.create on the test platform, with the tests' logger settings. */
export async function createTestApp(module: Type, platform: TestPlatform = TEST_PLATFORM): Promise<INestApplication> {
  const options = {
    logger: process.env['DEBUG_NEST'] ? (['log', 'error', 'warn', 'debug'] as const).slice() : (false as const),
    abortOnError: false,
  };
  if (platform === 'express') return NestFactory.create(module, options);
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  return NestFactory.create(module, new FastifyAdapter(), options);
}
