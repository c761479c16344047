/** The value of `ExecutionContext.getType()` for calls made through this library. */
export const JSON_RPC_CONTEXT_TYPE = 'json-rpc';

/** Metadata keys: namespaced and private, so nothing collides with Nest's own. */
export const RPC_SERVICE_METADATA = 'json-rpc:service';
export const RPC_METHOD_METADATA = 'json-rpc:method';

/** Token of the options after defaults were merged in. */
export const JSON_RPC_RESOLVED_OPTIONS = Symbol('JSON_RPC_RESOLVED_OPTIONS');

/** Method names reserved by JSON-RPC 2.0 for rpc-internal methods. */
export const RESERVED_METHOD_PREFIX = 'rpc.';

/**
 * Where handler arguments are recorded: Nest's own route-args key
 * (ROUTE_ARGS_METADATA, not on the root exports), as @nestjs/microservices and
 * @nestjs/graphql record theirs. The scanner registers the pipe classes it finds
 * there (`@RpcParams('id', ParseIntPipe)`), and `createParamDecorator()` writes
 * there too. Our entries carry RPC_PARAM_MARK, so HTTP-only ones stand out.
 */
export const RPC_ARGS_METADATA = '__routeArguments__';
export const NEST_CUSTOM_ROUTE_ARGS_MARK = '__customRouteArgs__';
export const RPC_PARAM_MARK = 'jsonRpc';
