import { RpcParamtype } from '../enums/rpc-paramtype.enum.js';
import { NEST_CUSTOM_ROUTE_ARGS_MARK, NEST_ROUTE_ARGS_METADATA, RPC_ARGS_METADATA } from '../json-rpc.constants.js';

type ArgsMetadata = Record<string, { index: number; data?: unknown; pipes?: unknown[] }>;

/**
 * Completes, when `@RpcMethod()` / `@RpcSubscription()` decorates the method
 * (parameter decorators have all run by then), the argument metadata that
 * ExternalContextCreator reads under our key, so nothing is written onto user
 * classes later, at bootstrap:
 * - custom param decorators made with `createParamDecorator()` (written under
 *   Nest's route-args key) are carried over, so `@CurrentUser()` works here too;
 * - unless the handler takes `@RpcParams()`, its undecorated arguments receive
 *   the positional params in order (`add(a, b, @RpcCtx() ctx)`);
 * - a handler that declares no parameters gets no metadata: it is called with
 *   `(params, ctx)`, as ExternalContextCreator calls such handlers.
 */
export function completeArgsMetadata(target: object, key: string | symbol, arity: number): void {
  const own = (Reflect.getMetadata(RPC_ARGS_METADATA, target, key) ?? {}) as ArgsMetadata;
  const route = (Reflect.getMetadata(NEST_ROUTE_ARGS_METADATA, target, key) ?? {}) as ArgsMetadata;
  const args: ArgsMetadata = { ...own };
  for (const [entry, value] of Object.entries(route)) {
    if (entry.includes(NEST_CUSTOM_ROUTE_ARGS_MARK)) args[entry] = value;
  }
  const takesParams = Object.keys(args).some((entry) => entry.startsWith(`${RpcParamtype.PARAMS}:`));
  if (!takesParams) {
    const decorated = new Set(Object.values(args).map((arg) => arg.index));
    let position = 0;
    for (let index = 0; index < arity; index++) {
      if (!decorated.has(index)) args[`${RpcParamtype.POSITIONAL}:${index}`] = { index, data: position++, pipes: [] };
    }
  }
  if (Object.keys(args).length > 0) Reflect.defineMetadata(RPC_ARGS_METADATA, args, target, key);
}

/** How many undecorated arguments take positional params. */
export function positionalCount(target: object, key: string | symbol): number {
  const args = (Reflect.getMetadata(RPC_ARGS_METADATA, target, key) ?? {}) as ArgsMetadata;
  return Object.keys(args).filter((entry) => entry.startsWith(`${RpcParamtype.POSITIONAL}:`)).length;
}

/** Nest's HTTP param decorators (`@Body()`, `@Headers()`, `@Req()`...) on the method: their route-args entries that are not custom. */
export function httpParamTypes(target: object, key: string | symbol): number[] {
  const route = (Reflect.getMetadata(NEST_ROUTE_ARGS_METADATA, target, key) ?? {}) as ArgsMetadata;
  return Object.keys(route)
    .filter((entry) => !entry.includes(NEST_CUSTOM_ROUTE_ARGS_MARK))
    .map((entry) => Number(entry.split(':')[0]));
}
