import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { isThenable } from '../utils/is-thenable.js';
import { type ParamProperties, ParamsTokenFactory } from './nest-internals.js';

export type ParamPlan = ParamProperties & { metatype?: unknown };

interface ResolvedParam {
  readonly index: number;
  readonly extract: (...args: unknown[]) => unknown;
  /** Global, class and method pipes, then the param's own (ExternalContextCreator's order). */
  readonly pipes: readonly PipeTransform[];
  readonly metatype: ArgumentMetadata['metatype'];
  /** As pipes see it: 'body' for `@RpcParams()`, 'custom' for the others (PipesConsumer's mapping). */
  readonly type: ArgumentMetadata['type'];
  readonly data: ArgumentMetadata['data'];
  readonly schema: unknown;
}

const ignore = (): void => undefined;

/**
 * A handler's arguments, as ExternalContextCreator resolves them: every param
 * at once (`Promise.all` of one async function per param: its value, awaited if
 * it is a Promise, then each pipe, each result awaited), the first failure in
 * time being the answer, and every other param still resolved to the end.
 *
 * While nothing is async it runs synchronously, in the order Nest's per-param
 * functions interleave: round 0 is each param's value and first pipe, in param
 * order; round n each param's n-th pipe. From the round in which a value or a
 * pipe is a Promise on, every param still going continues as an async function
 * (one await per step, started in param order), as Nest's do.
 */
export class ArgumentsResolver {
  private readonly params: ResolvedParam[];

  constructor(
    private readonly length: number,
    params: readonly ParamPlan[],
    pipes: readonly PipeTransform[],
  ) {
    const tokens = new ParamsTokenFactory();
    this.params = params.map((param) => ({
      index: param.index,
      extract: param.extractValue as (...args: unknown[]) => unknown,
      pipes: pipes.concat(param.pipes),
      metatype: param.metatype as ArgumentMetadata['metatype'],
      type: tokens.exchangeEnumForString(param.type as never) as ArgumentMetadata['type'],
      data: param.data as ArgumentMetadata['data'],
      schema: (param as { schema?: unknown }).schema,
    }));
  }

  resolve(args: unknown[]): unknown[] | Promise<unknown[]> {
    const { params } = this;
    const values = new Array<unknown>(this.length).fill(undefined);
    const current = new Array<unknown>(params.length);
    /** Per param: the pipe that runs next. */
    const next = new Array<number>(params.length).fill(0);
    let active = params.map((_, at) => at);
    let failure: { error: unknown } | undefined;
    let continuations: Array<Promise<void>> | undefined;
    for (let round = 0; active.length > 0; round++) {
      const going: number[] = [];
      let deferred = false;
      for (const at of active) {
        const param = params[at]!;
        try {
          let value = round === 0 ? param.extract(...args) : current[at];
          // A Promise from a custom param decorator is awaited before the first pipe.
          if (!(round === 0 && isThenable(value)) && param.pipes.length > 0) value = param.pipes[next[at]++]!.transform(value, this.metadata(param));
          current[at] = value;
        } catch (error) {
          failure ??= { error };
          continue;
        }
        const pending = isThenable(current[at]);
        deferred ||= pending;
        if (pending || next[at]! < param.pipes.length) going.push(at);
        else values[param.index] = current[at];
      }
      if (deferred) {
        continuations = going.map((at) => this.continueAsync(params[at]!, current[at], next[at]!, values));
        break;
      }
      active = going;
    }
    if (!continuations) {
      if (failure) throw failure.error;
      return values;
    }
    const all = Promise.all(continuations);
    if (!failure) return all.then(() => values);
    // Nest's Promise.all answers with the earliest failure; the other params still run.
    all.catch(ignore);
    return Promise.reject(failure.error);
  }

  private async continueAsync(param: ResolvedParam, value: unknown, from: number, values: unknown[]): Promise<void> {
    let result = await value;
    for (let next = from; next < param.pipes.length; next++) result = await param.pipes[next]!.transform(result, this.metadata(param));
    values[param.index] = result;
  }

  /** A fresh object per pipe call, as PipesConsumer passes it. */
  private metadata(param: ResolvedParam): ArgumentMetadata {
    return { metatype: param.metatype, type: param.type, data: param.data, schema: param.schema } as ArgumentMetadata;
  }
}
