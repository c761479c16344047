// nestjs-json-rpc/client: no Nest, no Node-only module (runs in browsers).
export { JsonRpcClient, type BatchItem, type JsonRpcClientEvents } from './json-rpc-client.js';
export type { RpcHandler } from './server-handlers.js';
export {
  ConnectionClosedError,
  ConnectionRefusedError,
  JsonRpcError,
  JsonRpcTransportError,
  NotConnectedError,
  RpcAbortedError,
  RpcTimeoutError,
  UnsupportedOperationError,
} from './client.errors.js';
export type {
  CallOptions,
  JsonRpcClientOptions,
  JsonRpcClientState,
  JsonRpcCredentials,
  ReconnectOptions,
  WebSocketConstructor,
  WebSocketLike,
} from './client-options.interface.js';
export type { ReconnectInfo } from './ws-link.js';
export { ClientSubscription, type SubscriptionEvents, type SubscriptionObserver, type Unsubscribable } from './client-subscription.js';
export type { RpcClientOf, RpcParamsOf, RpcResultOf, SubscriptionKeys } from './rpc-client-of.js';
export { JsonRpcCloseCode, closeAction, type CloseAction } from '../protocol/close-codes.js';
export { JsonRpcErrorCode } from '../protocol/error-codes.js';
export type { JsonRpcErrorObject, JsonRpcId, JsonRpcParams } from '../protocol/json-rpc.types.js';
