// The public API of `nestjs-json-rpc`: a deliberate list (test/unit/public-api.spec.ts
// holds it to README's "Public API"). The client is `nestjs-json-rpc/client`.

// Module and options
export { JsonRpcModule } from './json-rpc.module.js';
export { DEFAULT_LIMITS } from './json-rpc-options.js';
export type {
  JsonRpcAuthenticate,
  JsonRpcHeartbeatOptions,
  JsonRpcMetricsOptions,
  JsonRpcModuleOptions,
  JsonRpcOptionsFactory,
  JsonRpcPrincipal,
} from './interfaces/json-rpc-module-options.interface.js';
export type { JsonRpcLimits } from './interfaces/json-rpc-limits.interface.js';
export type { JsonRpcDiscoveredMethod, JsonRpcDiscoveryOptions } from './interfaces/json-rpc-discovery-options.interface.js';

// Decorators
export { RpcService } from './decorators/rpc-service.decorator.js';
export { RpcMethod } from './decorators/rpc-method.decorator.js';
export { RpcSubscription } from './decorators/rpc-subscription.decorator.js';
export { RpcParams } from './decorators/rpc-params.decorator.js';
export { RpcId } from './decorators/rpc-id.decorator.js';
export { RpcCtx } from './decorators/rpc-ctx.decorator.js';
export { RpcLastEventId } from './decorators/rpc-last-event-id.decorator.js';
export type { RpcErrorSpec, RpcMethodOptions, RpcResultSpec, RpcSubscriptionOptions } from './interfaces/rpc-method-options.interface.js';
export type { RpcServiceOptions } from './decorators/rpc-service.decorator.js';
export type { RpcParamsOptions } from './decorators/rpc-params.decorator.js';

// Discovery
export type { OpenRpcContentDescriptor, OpenRpcDocument, OpenRpcError, OpenRpcMethod, OpenRpcServer } from './openrpc/openrpc.types.js';

// Exceptions, error and close codes
export { JsonRpcException, JsonRpcInvalidParamsException } from './exceptions/json-rpc.exception.js';
export { JsonRpcErrorCode } from './protocol/error-codes.js';
export { JsonRpcCloseCode, closeAction, type CloseAction } from './protocol/close-codes.js';

// Execution context
export { JSON_RPC_CONTEXT_TYPE } from './json-rpc.constants.js';
export { JsonRpcExecutionContext, type JsonRpcContextType } from './context/json-rpc-execution-context.js';
export type { JsonRpcContext, JsonRpcTransport } from './interfaces/json-rpc-context.interface.js';
export type { JsonRpcRequestHead } from './interfaces/json-rpc-request-head.interface.js';

// Server, connections and hooks
export { JsonRpcServer } from './push/json-rpc.server.js';
export type { JsonRpcConnection, OnRpcConnect, OnRpcDisconnect, RpcRequestOptions } from './interfaces/json-rpc-connection.interface.js';
export type { JsonRpcCallRate, JsonRpcConnectionInfo, JsonRpcInspection, JsonRpcSlowCall } from './interfaces/json-rpc-inspection.interface.js';

// Push and pub/sub
export { RpcEvent, RpcGap } from './push/rpc-event.js';
export type { JsonRpcPubSub } from './push/pubsub/json-rpc-pubsub.interface.js';
export { MemoryPubSub } from './push/pubsub/memory-pubsub.js';
export { RedisPubSub, type RedisClientLike, type RedisPubSubOptions } from './push/pubsub/redis-pubsub.js';

// Wire types
export type {
  JsonRpcErrorObject,
  JsonRpcErrorResponse,
  JsonRpcId,
  JsonRpcParams,
  JsonRpcRequest,
  JsonRpcResponse,
  JsonRpcSuccessResponse,
} from './protocol/json-rpc.types.js';
