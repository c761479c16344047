/**
 * Carries `publish(topic, ...)` to every node. A node subscribes to a topic
 * while at least one of its connections has joined it; each published
 * message must reach each subscribed node once (this node included).
 * Messages are complete notification frames, serialized once by the publisher.
 *
 * @publicApi
 */
export interface JsonRpcPubSub {
  publish(topic: string, message: string): Promise<void>;
  subscribe(topic: string, onMessage: (message: string) => void): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
  /** Called at app shutdown. */
  close?(): Promise<void>;
}
