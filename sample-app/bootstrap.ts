import 'reflect-metadata';
import { type INestApplication, type LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule, type OrderDeskOptions } from './app.module.js';

/** Builds the order desk; shared by main.ts and the tests. */
export async function createOrderDesk(
  options: OrderDeskOptions,
  logger: LogLevel[] | false = ['log', 'warn', 'error'],
): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.register(options), { logger, abortOnError: false });
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }));
  return app;
}
