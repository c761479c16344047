import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { notificationText } from '../protocol/response.js';
import type { RpcConnection } from './rpc-connection.js';
import type { TopicMembership } from './topic-membership.interface.js';

/**
 * Topic -> local members (each connection keeps the set of its own topics).
 * Subscribes this node to a topic on the pub/sub
 * adapter while it has at least one member, and fans incoming frames out to them.
 */
@Injectable()
export class TopicRegistry implements TopicMembership, OnApplicationShutdown {
  private readonly logger = new Logger('JsonRpc');
  private readonly members = new Map<string, Set<RpcConnection>>();
  /** In-flight adapter subscriptions, so a second join waits for the first. */
  private readonly subscribing = new Map<string, Promise<void>>();

  constructor(@Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions) {}

  async join(connection: RpcConnection, topic: string): Promise<void> {
    let members = this.members.get(topic);
    if (!members) {
      members = new Set();
      this.members.set(topic, members);
      const subscribing = this.options.pubsub.subscribe(topic, (frame) => this.deliver(topic, frame));
      this.subscribing.set(topic, subscribing);
      subscribing.finally(() => this.subscribing.delete(topic)).catch(() => undefined);
    }
    members.add(connection);
    await this.subscribing.get(topic);
  }

  async leave(connection: RpcConnection, topic: string): Promise<void> {
    const members = this.members.get(topic);
    if (!members?.delete(connection) || members.size > 0) return;
    this.members.delete(topic);
    await this.options.pubsub.unsubscribe(topic).catch((error: Error) => this.logger.warn(`unsubscribe "${topic}": ${error.message}`));
  }

  /** Serializes once, hands the frame to the adapter; every node fans it out. */
  publish(topic: string, method: string, params?: unknown): Promise<void> {
    return this.options.pubsub.publish(topic, notificationText(method, params));
  }

  /** Every topic with members on this node, and how many. */
  entries(): Array<{ topic: string; members: number }> {
    return [...this.members].map(([topic, members]) => ({ topic, members: members.size }));
  }

  get topicCount(): number {
    return this.members.size;
  }

  private deliver(topic: string, frame: string): void {
    const members = this.members.get(topic);
    if (!members) return;
    // Encoded once for all members; ws would otherwise re-encode the string per socket.
    const bytes = Buffer.from(frame);
    for (const connection of members) connection.send(bytes);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.options.pubsub.close?.();
  }
}
