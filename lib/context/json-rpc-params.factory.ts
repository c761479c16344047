import type { ParamData } from '@nestjs/common';
import { RpcParamtype } from '../enums/rpc-paramtype.enum.js';
import type { JsonRpcContext } from '../interfaces/json-rpc-context.interface.js';
import type { JsonRpcParams } from '../protocol/json-rpc.types.js';
import { JsonRpcInvalidParamsException } from '../exceptions/json-rpc.exception.js';

const isByName = (params: JsonRpcParams | undefined): boolean => typeof params === 'object' && params !== null && !Array.isArray(params);

/** The arguments every proxy is called with, and that enhancers see. */
export type JsonRpcArgs = [JsonRpcParams | undefined, JsonRpcContext];

/** Reads an own property only: a param key never reaches Object.prototype. */
function own(source: unknown, key: string): unknown {
  return typeof source === 'object' && source !== null && Object.hasOwn(source, key)
    ? (source as Record<string, unknown>)[key]
    : undefined;
}

/** The n-th positional argument: by position, by `paramNames`, or (n = 0) the whole by-name object. */
function positionalValue(params: JsonRpcParams | undefined, index: number, paramNames: readonly string[] | undefined): unknown {
  if (Array.isArray(params)) return params[index];
  const name = paramNames?.[index];
  if (name !== undefined) return own(params, name);
  // A by-name call to an undecorated handler: the whole object is its first argument.
  return index === 0 ? params : undefined;
}

/**
 * Resolves handler arguments for ExternalContextCreator. One instance per
 * method, because `paramNames` (positional <-> named mapping) is per method.
 */
export class JsonRpcParamsFactory {
  constructor(
    private readonly paramNames: readonly string[] | undefined,
    /** Undecorated arguments taking positional params; with several and no `paramNames`, by-name calls are refused. */
    private readonly positionalCount = 0,
    private readonly method = '',
  ) {}

  exchangeKeyForValue(type: number, data: ParamData | undefined, args: JsonRpcArgs): unknown {
    const [params, ctx] = args;
    switch (type) {
      case RpcParamtype.PARAMS:
        return data === undefined ? this.whole(params) : this.pick(params, data as string | number);
      case RpcParamtype.POSITIONAL:
        return this.positional(params, data as number);
      case RpcParamtype.ID:
        return ctx.id;
      case RpcParamtype.CONTEXT:
        return ctx;
      case RpcParamtype.LAST_EVENT_ID:
        return ctx.lastEventId;
      default:
        return undefined;
    }
  }

  /** By-position params become an object when the method declared `paramNames`. */
  private whole(params: JsonRpcParams | undefined): unknown {
    if (!Array.isArray(params) || this.paramNames === undefined) return params;
    const named: Record<string, unknown> = {};
    this.paramNames.forEach((name, index) => {
      if (index < params.length) named[name] = params[index];
    });
    return named;
  }

  private pick(params: JsonRpcParams | undefined, key: string | number): unknown {
    if (typeof key === 'number') return this.positional(params, key);
    if (Array.isArray(params)) {
      const index = this.paramNames?.indexOf(key) ?? -1;
      return index < 0 ? undefined : params[index];
    }
    return own(params, key);
  }

  private positional(params: JsonRpcParams | undefined, index: number): unknown {
    if (index === 0 && this.positionalCount > 1 && this.paramNames === undefined && isByName(params)) {
      // Which property is which argument is unknowable: never guess.
      throw new JsonRpcInvalidParamsException([
        `"${this.method}" takes its ${this.positionalCount} params by position: send them as an array, or declare paramNames in @RpcMethod()`,
      ]);
    }
    return positionalValue(params, index, this.paramNames);
  }
}
