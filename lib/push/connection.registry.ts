import { Injectable, Logger } from '@nestjs/common';
import type { OnRpcConnect, OnRpcDisconnect } from '../interfaces/json-rpc-connection.interface.js';
import type { RpcConnection } from './rpc-connection.js';

/** Live connections of this node, and the providers that want to hear of them. */
@Injectable()
export class ConnectionRegistry {
  private readonly logger = new Logger('JsonRpc');
  private readonly connections = new Map<string, RpcConnection>();
  private readonly connectHooks: OnRpcConnect[] = [];
  private readonly disconnectHooks: OnRpcDisconnect[] = [];

  addHooks(instance: Partial<OnRpcConnect & OnRpcDisconnect>): void {
    if (typeof instance.onRpcConnect === 'function') this.connectHooks.push(instance as OnRpcConnect);
    if (typeof instance.onRpcDisconnect === 'function') this.disconnectHooks.push(instance as OnRpcDisconnect);
  }

  get size(): number {
    return this.connections.size;
  }

  get(id: string): RpcConnection | undefined {
    return this.connections.get(id);
  }

  all(): RpcConnection[] {
    return [...this.connections.values()];
  }

  /** The live connections without a copy, for the periodic sweeps (heartbeat, slow consumers) over a large fleet. */
  values(): IterableIterator<RpcConnection> {
    return this.connections.values();
  }

  add(connection: RpcConnection): void {
    this.connections.set(connection.id, connection);
    for (const hook of this.connectHooks) this.runHook('onRpcConnect', () => hook.onRpcConnect(connection));
  }

  /** Tears the connection down (subscriptions, calls, topics), then tells the hooks. */
  async remove(connection: RpcConnection, code: number): Promise<void> {
    this.connections.delete(connection.id);
    await connection.dispose();
    for (const hook of this.disconnectHooks) this.runHook('onRpcDisconnect', () => hook.onRpcDisconnect(connection, code));
  }

  /** A failing hook is logged; it never takes the connection or the process down. */
  private runHook(name: string, run: () => void | Promise<void>): void {
    try {
      Promise.resolve(run()).catch((error: unknown) => this.logger.error(`${name} failed`, error instanceof Error ? error.stack : String(error)));
    } catch (error) {
      this.logger.error(`${name} failed`, error instanceof Error ? error.stack : String(error));
    }
  }
}


