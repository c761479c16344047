import type { JsonRpcPubSub } from './json-rpc-pubsub.interface.js';

/**
 * One node, no broker: the default. Delivery is synchronous with `publish`.
 *
 * @publicApi
 */
export class MemoryPubSub implements JsonRpcPubSub {
  private readonly handlers = new Map<string, (message: string) => void>();

  async publish(topic: string, message: string): Promise<void> {
    this.handlers.get(topic)?.(message);
  }

  async subscribe(topic: string, onMessage: (message: string) => void): Promise<void> {
    this.handlers.set(topic, onMessage);
  }

  async unsubscribe(topic: string): Promise<void> {
    this.handlers.delete(topic);
  }
}
