/** The value of `ExecutionContext.getType()` for calls made through this library. */
export const JSON_RPC_CONTEXT_TYPE = 'json-rpc';

/** Metadata keys: namespaced and private, so nothing collides with Nest's own. */
export const RPC_SERVICE_METADATA = 'json-rpc:service';
export const RPC_METHOD_METADATA = 'json-rpc:method';
export const RPC_ARGS_METADATA = 'json-rpc:args';

/** Token of the options after defaults were merged in. */
export const JSON_RPC_RESOLVED_OPTIONS = Symbol('JSON_RPC_RESOLVED_OPTIONS');

/** Method names reserved by JSON-RPC 2.0 for rpc-internal methods. */
export const RESERVED_METHOD_PREFIX = 'rpc.';

/**
 * Where `createParamDecorator()` records custom param decorators (Nest's
 * ROUTE_ARGS_METADATA / CUSTOM_ROUTE_ARGS_METADATA, not on the root exports).
 */
export const NEST_ROUTE_ARGS_METADATA = '__routeArguments__';
export const NEST_CUSTOM_ROUTE_ARGS_MARK = '__customRouteArgs__';
