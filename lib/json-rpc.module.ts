import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JsonRpcAuthenticator } from './auth/authenticator.js';
import { RpcBuiltins } from './builtins/rpc-builtins.js';
import { ErrorResponder } from './exceptions/error-responder.js';
import { SubscriptionStarter } from './push/subscription.starter.js';
import { TicketStore } from './auth/ticket.store.js';
import { JsonRpcHttpTransport } from './http/json-rpc-http.transport.js';
import { CallDeadlines } from './limits/call-deadlines.js';
import { CallStats } from './metrics/call-stats.js';
import { JsonRpcMetrics } from './metrics/json-rpc.metrics.js';
import { JsonRpcTracing } from './metrics/json-rpc.tracing.js';
import { ShutdownCoordinator } from './shutdown/shutdown.coordinator.js';
import type { JsonRpcModuleOptions } from './interfaces/json-rpc-module-options.interface.js';
import {
  JSON_RPC_ASYNC_OPTIONS_TYPE,
  JSON_RPC_MODULE_OPTIONS,
  JSON_RPC_OPTIONS_TYPE,
  JsonRpcConfigurableModule,
} from './json-rpc-module-definition.js';
import { JsonRpcMethodRegistry } from './json-rpc-method.registry.js';
import { resolveOptions } from './json-rpc-options.js';
import { JSON_RPC_RESOLVED_OPTIONS } from './json-rpc.constants.js';
import { JsonRpcDispatcher } from './json-rpc.dispatcher.js';
import { JsonRpcMessageRunner } from './json-rpc-message.runner.js';
import { JsonRpcExplorer } from './json-rpc.explorer.js';
import { JsonRpcMetadataAccessor } from './json-rpc-metadata.accessor.js';
import { JsonRpcDiscovery } from './openrpc/json-rpc-discovery.js';
import { PipelineFactory } from './pipeline/pipeline.factory.js';
import { ConnectionRegistry } from './push/connection.registry.js';
import { JsonRpcServer } from './push/json-rpc.server.js';
import { TopicRegistry } from './push/topic.registry.js';
import { JsonRpcWsTransport } from './ws/json-rpc-ws.transport.js';

/**
 * Serves every `@RpcMethod()` of the app over HTTP `POST {path}` and WebSocket
 * `{path}`, on the app's own server and port.
 *
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: JSON_RPC_RESOLVED_OPTIONS,
      useFactory: (options: JsonRpcModuleOptions) => resolveOptions(options),
      inject: [JSON_RPC_MODULE_OPTIONS],
    },
    JsonRpcMethodRegistry,
    JsonRpcExplorer,
    JsonRpcMetadataAccessor,
    PipelineFactory,
    JsonRpcDispatcher,
    JsonRpcMessageRunner,
    JsonRpcHttpTransport,
    JsonRpcWsTransport,
    ConnectionRegistry,
    TopicRegistry,
    JsonRpcServer,
    ShutdownCoordinator,
    TicketStore,
    JsonRpcAuthenticator,
    JsonRpcMetrics,
    CallStats,
    JsonRpcTracing,
    CallDeadlines,
    ErrorResponder,
    RpcBuiltins,
    SubscriptionStarter,
    JsonRpcDiscovery,
  ],
  exports: [JsonRpcServer],
})
export class JsonRpcModule extends JsonRpcConfigurableModule {
  /** Every option has a default, so `forRoot()` alone serves `/rpc`. */
  static override forRoot(options: typeof JSON_RPC_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  static override forRootAsync(options: typeof JSON_RPC_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}
