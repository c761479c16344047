import { Logger } from '@nestjs/common';
import type { JsonRpcPubSub } from './json-rpc-pubsub.interface.js';

/**
 * The part of an ioredis client this adapter uses. Typed structurally so the
 * library never imports ioredis: apps that use Redis bring their own client.
 */
export interface RedisClientLike {
  readonly status: string;
  publish(channel: string, message: string): Promise<number>;
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  duplicate(override?: Record<string, unknown>): RedisClientLike;
  connect(): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready' | 'end', listener: () => void): unknown;
  quit(): Promise<unknown>;
}

export interface RedisPubSubOptions {
  /** An ioredis client, used to publish; a duplicate of it subscribes. It stays the app's to close. */
  client: RedisClientLike;
  /** Channel prefix, so several apps can share one Redis. Default `json-rpc:`. */
  prefix?: string;
  /**
   * What `publish` does while the client is not connected: `'reject'` (default)
   * fails at once, so the caller knows; `'queue'` leaves it in ioredis's offline
   * queue, sent on reconnect (and failing after `maxRetriesPerRequest`).
   */
  whenDisconnected?: 'reject' | 'queue';
  /** ioredis options for the subscriber connection, over those of `client` (e.g. its own `retryStrategy`). */
  subscriberOptions?: Record<string, unknown>;
  /**
   * When ioredis gives up on the subscriber (its `retryStrategy` returned no
   * delay), the adapter reconnects it itself this often, for as long as it
   * runs. Default 5 000 ms.
   */
  reconnectMs?: number;
}

/**
 * Topics across nodes through Redis pub/sub: one channel per topic, each node
 * subscribed while it has members. A node receives its own publishes through
 * Redis too, so every node delivers each message exactly once.
 *
 * The adapter keeps the set of channels its members need and is the only one
 * that subscribes: commands are sent only while the subscriber is ready (none
 * waits in ioredis's offline queue, to fail after `maxRetriesPerRequest`), and
 * every time it becomes ready again, after a short blip, an outage longer than
 * ioredis's retry window, or ioredis giving up and a later reconnect, the whole
 * set is subscribed again. Redis pub/sub keeps nothing: what is published while
 * a node's subscriber is away is not seen by that node (recover with resumable
 * subscriptions).
 *
 * @publicApi
 */
export class RedisPubSub implements JsonRpcPubSub {
  private readonly logger = new Logger('JsonRpcRedisPubSub');
  private readonly subscriber: RedisClientLike;
  private readonly handlers = new Map<string, (message: string) => void>();
  private readonly prefix: string;
  private readonly whenDisconnected: 'reject' | 'queue';
  private readonly reconnectMs: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: RedisPubSubOptions) {
    this.prefix = options.prefix ?? 'json-rpc:';
    this.whenDisconnected = options.whenDisconnected ?? 'reject';
    this.reconnectMs = options.reconnectMs ?? 5000;
    // We resubscribe ourselves on 'ready', from our own set: ioredis's memory of
    // channels does not survive a command that failed during an outage.
    this.subscriber = options.client.duplicate({ autoResubscribe: false, ...options.subscriberOptions });
    this.subscriber.on('message', (channel, message) => this.handlers.get(channel)?.(message));
    // Without a listener ioredis reports each failed reconnect on stderr itself.
    this.subscriber.on('error', (error) => this.logger.warn(`subscriber: ${error.message}`));
    this.subscriber.on('ready', () => this.resubscribe());
    this.subscriber.on('end', () => this.scheduleReconnect());
  }

  async publish(topic: string, message: string): Promise<void> {
    const { client } = this.options;
    if (client.status === 'wait') await client.connect().catch(() => undefined); // lazyConnect: the first use connects
    if (this.whenDisconnected === 'reject' && client.status !== 'ready') {
      throw new Error(`Redis is not connected (${client.status}): message to topic "${topic}" was not published`);
    }
    await client.publish(this.prefix + topic, message);
  }

  /** Effective at once while Redis is up; while it is down, as soon as the subscriber is ready again. */
  async subscribe(topic: string, onMessage: (message: string) => void): Promise<void> {
    const channel = this.prefix + topic;
    this.handlers.set(channel, onMessage);
    // lazyConnect: the first use connects, and 'ready' subscribes the whole set.
    if (this.subscriber.status === 'wait') this.subscriber.connect().catch(() => undefined);
    if (this.subscriber.status !== 'ready') return;
    await this.subscriber.subscribe(channel).catch((error: Error) => this.logger.warn(`subscribe "${topic}" (retried on reconnect): ${error.message}`));
  }

  async unsubscribe(topic: string): Promise<void> {
    const channel = this.prefix + topic;
    this.handlers.delete(channel);
    if (this.subscriber.status !== 'ready') return; // a new connection starts with none
    await this.subscriber.unsubscribe(channel).catch(() => undefined);
  }

  /** Closes the subscriber it created; the client passed in stays the app's to close. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await this.subscriber.quit().catch(() => undefined);
  }

  private resubscribe(): void {
    const channels = [...this.handlers.keys()];
    if (channels.length === 0) return;
    this.logger.log(`subscriber ready: subscribing ${channels.length} topic channel(s) again`);
    this.subscriber.subscribe(...channels).catch((error: Error) => this.logger.warn(`resubscribe: ${error.message}`));
  }

  /** ioredis gave up (or the connection ended otherwise): keep trying while the app runs. */
  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.closed || this.subscriber.status !== 'end') return;
      this.subscriber.connect().catch(() => undefined); // a failure ends it again, and 'end' brings us back here
    }, this.reconnectMs);
    this.reconnectTimer.unref();
  }
}
