import type { StandardSchemaV1 } from '@standard-schema/spec';
import { RpcParamtype } from '../enums/rpc-paramtype.enum.js';
import { createRpcParamDecorator, type RpcParamPipe } from './rpc-param.utils.js';

/**
 * Options of `@RpcParams()`, as Nest 12's `@Body({ schema, pipes })`.
 *
 * @publicApi
 */
export interface RpcParamsOptions {
  /**
   * A Standard Schema (Zod 4, Valibot, ArkType...). It reaches pipes as
   * `ArgumentMetadata.schema`: with Nest's `StandardSchemaValidationPipe`
   * (global or here in `pipes`) it validates the params (-32602 with the issues
   * in `data`), and it gives the discovery document its params schema.
   */
  schema?: StandardSchemaV1;
  pipes?: RpcParamPipe[];
}

function isOptions(value: unknown): value is RpcParamsOptions {
  return typeof value === 'object' && value !== null && typeof (value as { transform?: unknown }).transform !== 'function' && ('schema' in value || 'pipes' in value);
}

/**
 * Injects the call's `params`: the whole object/array, or with a key one property
 * (string) or one position (number). Pipes run on it as on `@Body()`, so a global
 * or method `ValidationPipe` validates a DTO-typed argument; `{ schema }` as on
 * `@Body({ schema })` for a Standard Schema.
 *
 * @publicApi
 */
export function RpcParams(options: RpcParamsOptions): ParameterDecorator;
export function RpcParams(key: string | number, options: RpcParamsOptions): ParameterDecorator;
export function RpcParams(...pipes: RpcParamPipe[]): ParameterDecorator;
export function RpcParams(key: string | number, ...pipes: RpcParamPipe[]): ParameterDecorator;
export function RpcParams(keyOrPipe?: string | number | RpcParamPipe | RpcParamsOptions, ...rest: (RpcParamPipe | RpcParamsOptions)[]): ParameterDecorator {
  const hasKey = typeof keyOrPipe === 'string' || typeof keyOrPipe === 'number';
  const args = hasKey || keyOrPipe === undefined ? rest : [keyOrPipe, ...rest];
  const options = args.length === 1 && isOptions(args[0]) ? args[0] : undefined;
  const pipes = options ? (options.pipes ?? []) : (args as RpcParamPipe[]);
  return createRpcParamDecorator(RpcParamtype.PARAMS, hasKey ? keyOrPipe : undefined, pipes, options?.schema);
}
