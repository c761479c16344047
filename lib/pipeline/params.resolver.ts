import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import type { ParamsFactory } from '@nestjs/core';
import { isThenable } from '../utils/is-thenable.js';
import { type ParamProperties, ParamsTokenFactory } from './nest-internals.js';

export type ParamPlan = ParamProperties & { metatype?: unknown };

interface ResolvedParam {
  readonly index: number;
  /** The param's value from the call's arguments (`[params, ctx]`). */
  readonly extract: (args: unknown[]) => unknown;
  /** Global, class and method pipes, then the param's own (ExternalContextCreator's order). */
  readonly pipes: readonly PipeTransform[];
  readonly metatype: ArgumentMetadata['metatype'];
  /** As pipes see it: 'body' for `@RpcParams()`, 'custom' for the others (PipesConsumer's mapping). */
  readonly type: ArgumentMetadata['type'];
  readonly data: ArgumentMetadata['data'];
  readonly schema: unknown;
}

/**
 * What ExternalContextCreator's `extractValue` does, without its rest-args
 * array per call for our own param types: `factory.exchangeKeyForValue(type,
 * data, args)`. Custom decorators (a string type) keep Nest's own extractor.
 */
function reader(param: ParamPlan, factory: ParamsFactory): (args: unknown[]) => unknown {
  const { type, data } = param;
  if (typeof type === 'number') return (args) => factory.exchangeKeyForValue(type, data as never, args);
  const extract = param.extractValue as (...args: unknown[]) => unknown;
  return (args) => extract(...args);
}

/** Where one param stands when its resolution goes on asynchronously. */
interface ParamState {
  value: unknown;
  /** The pipe that runs next. */
  next: number;
  /** Its value could not be taken (a custom decorator threw). */
  extractionError?: { error: unknown };
  /** A pipe threw. */
  pipeError?: { error: unknown };
}

/**
 * A handler's arguments, as ExternalContextCreator resolves them: every param
 * at once (`Promise.all` of one async function per param: its value, awaited if
 * it is a Promise, then each pipe, each result awaited), the first failure in
 * time being the answer and every other param still resolved to the end.
 *
 * While every value and pipe is synchronous it runs synchronously, in the order
 * Nest's per-param functions interleave (round 0: each param's value and first
 * pipe, in param order; round n: each param's n-th pipe). At the end of the
 * first round in which something is a Promise or throws, each param still
 * going continues in async functions nested exactly like Nest's
 * (resolveParamValue > getParamValue > PipesConsumer.apply > applyPipes), so
 * that failures surface in the same order as there (a custom decorator's throw
 * before a pipe's, the earlier pipe's before the later one's).
 */
export class ArgumentsResolver {
  private readonly params: ResolvedParam[];
  /** No param has a pipe (no global pipes either): values only, the common case of by-position handlers. */
  private readonly pipeless: boolean;

  constructor(
    private readonly length: number,
    params: readonly ParamPlan[],
    pipes: readonly PipeTransform[],
    factory: ParamsFactory,
  ) {
    const tokens = new ParamsTokenFactory();
    this.params = params.map((param) => ({
      index: param.index,
      extract: reader(param, factory),
      pipes: pipes.concat(param.pipes),
      metatype: param.metatype as ArgumentMetadata['metatype'],
      type: tokens.exchangeEnumForString(param.type as never) as ArgumentMetadata['type'],
      data: param.data as ArgumentMetadata['data'],
      schema: (param as { schema?: unknown }).schema,
    }));
    this.pipeless = this.params.every((param) => param.pipes.length === 0);
  }

  resolve(args: unknown[]): unknown[] | Promise<unknown[]> {
    const values = new Array<unknown>(this.length).fill(undefined);
    return this.pipeless ? this.values(args, values) : this.rounds(args, values);
  }

  /** Round 0 alone: each param's value, in order. */
  private values(args: unknown[], values: unknown[]): unknown[] | Promise<unknown[]> {
    let unsettled: Array<[ResolvedParam, ParamState]> | undefined;
    for (const param of this.params) {
      let value: unknown;
      try {
        value = param.extract(args);
      } catch (error) {
        (unsettled ??= []).push([param, { value: undefined, next: 0, extractionError: { error } }]);
        continue;
      }
      if (isThenable(value)) (unsettled ??= []).push([param, { value, next: 0 }]);
      else values[param.index] = value;
    }
    if (!unsettled) return values;
    return Promise.all(unsettled.map(([param, state]) => this.resolveParamValue(param, state, values))).then(() => values);
  }

  private rounds(args: unknown[], values: unknown[]): unknown[] | Promise<unknown[]> {
    const { params } = this;
    const states: ParamState[] = params.map(() => ({ value: undefined, next: 0 }));
    let active = params.map((_, at) => at);
    for (let round = 0; active.length > 0; round++) {
      const going: number[] = [];
      let stop = false;
      for (const at of active) {
        const param = params[at]!;
        const state = states[at]!;
        if (round === 0) {
          try {
            state.value = param.extract(args);
          } catch (error) {
            state.extractionError = { error };
            stop = true;
            continue;
          }
        }
        // A Promise from a custom param decorator is awaited before the first pipe.
        if (!(round === 0 && isThenable(state.value)) && state.next < param.pipes.length) {
          try {
            state.value = param.pipes[state.next++]!.transform(state.value, this.metadata(param));
          } catch (error) {
            state.pipeError = { error };
            stop = true;
            continue;
          }
        }
        if (isThenable(state.value)) stop = true;
        if (isThenable(state.value) || state.next < param.pipes.length) going.push(at);
        else values[param.index] = state.value;
      }
      if (stop) {
        const unsettled = active.filter((at) => going.includes(at) || states[at]!.extractionError || states[at]!.pipeError);
        return Promise.all(unsettled.map((at) => this.resolveParamValue(params[at]!, states[at]!, values))).then(() => values);
      }
      active = going;
    }
    return values;
  }

  // The same async frames as ExternalContextCreator.createPipesFn / getParamValue
  // and PipesConsumer.apply / applyPipes, entered where the synchronous rounds stopped.

  private async resolveParamValue(param: ResolvedParam, state: ParamState, values: unknown[]): Promise<void> {
    if (state.extractionError) throw state.extractionError.error;
    values[param.index] = await this.getParamValue(param, state);
  }

  private async getParamValue(param: ResolvedParam, state: ParamState): Promise<unknown> {
    return param.pipes.length === 0 ? state.value : this.apply(param, state);
  }

  private async apply(param: ResolvedParam, state: ParamState): Promise<unknown> {
    return this.applyPipes(param, state);
  }

  private async applyPipes(param: ResolvedParam, state: ParamState): Promise<unknown> {
    if (state.pipeError) throw state.pipeError.error;
    // Stands for Nest's `await value` (a Promise from the decorator) or `await pipe.transform()` of the pipe that ran last.
    let result = await state.value;
    for (let next = state.next; next < param.pipes.length; next++) result = await param.pipes[next]!.transform(result, this.metadata(param));
    return result;
  }

  /** A fresh object per pipe call, as PipesConsumer passes it. */
  private metadata(param: ResolvedParam): ArgumentMetadata {
    return { metatype: param.metatype, type: param.type, data: param.data, schema: param.schema } as ArgumentMetadata;
  }
}
