import { RpcParamtype } from '../enums/rpc-paramtype.enum.js';
import { NEST_CUSTOM_ROUTE_ARGS_MARK, RPC_ARGS_METADATA, RPC_PARAM_MARK } from '../json-rpc.constants.js';

type ArgsMetadata = Record<string, { index: number; data?: unknown; pipes?: unknown[]; [RPC_PARAM_MARK]?: boolean }>;

/**
 * Completes, when `@RpcMethod()` / `@RpcSubscription()` decorates the method
 * (parameter decorators have all run by then), the argument metadata that
 * ExternalContextCreator reads, so nothing is written onto user classes later,
 * at bootstrap (custom `createParamDecorator()` ones are already there):
 * - unless the handler takes `@RpcParams()`, its undecorated arguments receive
 *   the positional params in order (`add(a, b, @RpcCtx() ctx)`);
 * - a handler that declares no parameters gets no metadata: it is called with
 *   `(params, ctx)`, as ExternalContextCreator calls such handlers.
 */
export function completeArgsMetadata(target: object, key: string | symbol, arity: number): void {
  const args: ArgsMetadata = { ...((Reflect.getMetadata(RPC_ARGS_METADATA, target, key) ?? {}) as ArgsMetadata) };
  const takesParams = Object.entries(args).some(([entry, value]) => entry.startsWith(`${RpcParamtype.PARAMS}:`) && value[RPC_PARAM_MARK]);
  if (!takesParams) {
    const decorated = new Set(Object.values(args).map((arg) => arg.index));
    let position = 0;
    for (let index = 0; index < arity; index++) {
      if (!decorated.has(index)) args[`${RpcParamtype.POSITIONAL}:${index}`] = { index, data: position++, pipes: [], [RPC_PARAM_MARK]: true };
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
  const args = (Reflect.getMetadata(RPC_ARGS_METADATA, target, key) ?? {}) as ArgsMetadata;
  return Object.entries(args)
    .filter(([entry, value]) => !entry.includes(NEST_CUSTOM_ROUTE_ARGS_MARK) && !value[RPC_PARAM_MARK])
    .map(([entry]) => Number(entry.split(':')[0]));
}
