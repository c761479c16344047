import { Injectable } from '@nestjs/common';
import type { JsonRpcConnection } from '../interfaces/json-rpc-connection.interface.js';
import { ConnectionRegistry } from './connection.registry.js';
import { TopicRegistry } from './topic.registry.js';

/**
 * Server push, injectable anywhere: notify one connection, publish to a topic
 * (every node, through the `pubsub` adapter), list connections.
 *
 * @publicApi
 */
@Injectable()
export class JsonRpcServer {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly topics: TopicRegistry,
  ) {}

  /** Sends a notification to one connection of this node; false if it is gone. */
  notify(connectionId: string, method: string, params?: unknown): boolean {
    return this.registry.get(connectionId)?.notify(method, params) ?? false;
  }

  /**
   * Sends a notification to every connection that joined `topic`, on every node.
   * Rejects when the adapter cannot deliver (e.g. Redis down with `whenDisconnected: 'reject'`).
   */
  publish(topic: string, method: string, params?: unknown): Promise<void> {
    return this.topics.publish(topic, method, params);
  }

  /** The live WebSocket connections of this node. */
  connections(): JsonRpcConnection[] {
    return this.registry.all();
  }

  connection(id: string): JsonRpcConnection | undefined {
    return this.registry.get(id);
  }
}
