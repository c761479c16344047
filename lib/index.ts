export { JsonRpcModule } from './json-rpc.module.js';
export { JSON_RPC_CONTEXT_TYPE } from './json-rpc.constants.js';
export { DEFAULT_LIMITS } from './json-rpc-options.js';
export * from './decorators/index.js';
export * from './exceptions/index.js';
export * from './interfaces/index.js';
export { JsonRpcServer } from './push/json-rpc.server.js';
export { RpcEvent, RpcGap, rpcEvent } from './push/rpc-event.js';
export type { JsonRpcPubSub } from './push/pubsub/json-rpc-pubsub.interface.js';
export { MemoryPubSub } from './push/pubsub/memory-pubsub.js';
export { RedisPubSub, type RedisClientLike, type RedisPubSubOptions } from './push/pubsub/redis-pubsub.js';
export { JsonRpcExecutionContext, type JsonRpcContextType } from './context/json-rpc-execution-context.js';
export { JsonRpcErrorCode, httpStatusToErrorCode } from './protocol/error-codes.js';
export { JsonRpcCloseCode, closeAction, type CloseAction } from './protocol/close-codes.js';
export type {
  JsonRpcErrorObject,
  JsonRpcId,
  JsonRpcParams,
  JsonRpcRequest,
  JsonRpcResponse,
  JsonRpcErrorResponse,
  JsonRpcSuccessResponse,
} from './protocol/json-rpc.types.js';
