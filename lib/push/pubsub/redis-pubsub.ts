import { Logger } from '@nestjs/common';
import type { JsonRpcPubSub } from './json-rpc-pubsub.interface.js';

/**
 * The part of an ioredis client this adapter uses. Typed structurally so the
 * library never imports ioredis: apps that use Redis bring their own client.
 */
export interface RedisClientLike {
  readonly status: string;
  publish(channel: string, message: string): Promise<number>;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  duplicate(): RedisClientLike;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  quit(): Promise<unknown>;
}

export interface RedisPubSubOptions {
  /** An ioredis client, used to publish; a duplicate of it subscribes (ioredis resubscribes after reconnects). */
  client: RedisClientLike;
  /** Channel prefix, so several apps can share one Redis. Default `json-rpc:`. */
  prefix?: string;
  /**
   * What `publish` does while the client is not connected: `'reject'` (default)
   * fails at once, so the caller knows; `'queue'` leaves it in ioredis's offline
   * queue, sent on reconnect (and failing after `maxRetriesPerRequest`).
   */
  whenDisconnected?: 'reject' | 'queue';
}

/**
 * Topics across nodes through Redis pub/sub: one channel per topic, each node
 * subscribed while it has members. A node receives its own publishes through
 * Redis too, so every node delivers each message exactly once.
 * Redis pub/sub keeps nothing: a message published while a node's subscriber is
 * reconnecting is not seen by that node (recover with resumable subscriptions).
 *
 * @publicApi
 */
export class RedisPubSub implements JsonRpcPubSub {
  private readonly logger = new Logger('JsonRpcRedisPubSub');
  private readonly subscriber: RedisClientLike;
  private readonly handlers = new Map<string, (message: string) => void>();
  private readonly prefix: string;
  private readonly whenDisconnected: 'reject' | 'queue';

  constructor(private readonly options: RedisPubSubOptions) {
    this.prefix = options.prefix ?? 'json-rpc:';
    this.whenDisconnected = options.whenDisconnected ?? 'reject';
    this.subscriber = options.client.duplicate();
    this.subscriber.on('message', (channel, message) => this.handlers.get(channel)?.(message));
    // Without a listener ioredis reports each failed reconnect on stderr itself.
    this.subscriber.on('error', (error) => this.logger.warn(`subscriber: ${error.message}`));
  }

  async publish(topic: string, message: string): Promise<void> {
    const { client } = this.options;
    if (this.whenDisconnected === 'reject' && client.status !== 'ready') {
      throw new Error(`Redis is not connected (${client.status}): message to topic "${topic}" was not published`);
    }
    await client.publish(this.prefix + topic, message);
  }

  async subscribe(topic: string, onMessage: (message: string) => void): Promise<void> {
    this.handlers.set(this.prefix + topic, onMessage);
    await this.subscriber.subscribe(this.prefix + topic);
  }

  async unsubscribe(topic: string): Promise<void> {
    this.handlers.delete(this.prefix + topic);
    await this.subscriber.unsubscribe(this.prefix + topic);
  }

  /** Closes the subscriber it created; the client passed in stays the app's to close. */
  async close(): Promise<void> {
    await this.subscriber.quit().catch(() => undefined);
  }
}
