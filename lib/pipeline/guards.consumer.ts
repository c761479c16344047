import { type CanActivate, ForbiddenException } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { type ExecutionContextHost, FORBIDDEN_MESSAGE } from './nest-internals.js';

/**
 * GuardsConsumer.tryActivate + ExternalContextCreator's refusal, in order:
 * a boolean is taken as it is, anything else is awaited (an Observable then
 * answers with its last value) and taken for its truthiness; the first refusal
 * throws ForbiddenException. Synchronous (no Promise) while every guard answers
 * with a boolean `true`.
 */
export function runGuards(guards: readonly CanActivate[], context: ExecutionContextHost): true | Promise<true> {
  for (let index = 0; index < guards.length; index++) {
    const verdict: unknown = guards[index]!.canActivate(context);
    if (typeof verdict === 'boolean') {
      if (!verdict) throw new ForbiddenException(FORBIDDEN_MESSAGE);
      continue;
    }
    return runFrom(guards, index, verdict, context);
  }
  return true;
}

/** From the first guard that answered with something else than a boolean on. */
async function runFrom(guards: readonly CanActivate[], index: number, verdict: unknown, context: ExecutionContextHost): Promise<true> {
  for (let next = index; next < guards.length; next++) {
    if (next > index) verdict = guards[next]!.canActivate(context);
    const allowed = typeof verdict === 'boolean' ? verdict : await pickResult(verdict);
    if (!allowed) throw new ForbiddenException(FORBIDDEN_MESSAGE);
  }
  return true;
}

/** As GuardsConsumer.pickResult: await, then the last value of an Observable. */
async function pickResult(verdict: unknown): Promise<unknown> {
  const value = await verdict;
  return isObservable(value) ? lastValueFrom(value) : value;
}
