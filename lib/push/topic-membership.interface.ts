import type { RpcConnection } from './rpc-connection.js';

/** Who keeps topic membership (the topic registry); the connection only delegates. */
export interface TopicMembership {
  join(connection: RpcConnection, topic: string): Promise<void>;
  leave(connection: RpcConnection, topic: string): Promise<void>;
}
