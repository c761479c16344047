/**
 * One iterative pass over `params` that (1) enforces a nesting limit, (2)
 * refuses numbers JSON.parse turned into Infinity (a literal like 1e309 has no
 * double: it would reach handlers as Infinity, pass `@IsPositive()` and be
 * answered as null) and (3) deletes own `__proto__` keys. JSON.parse creates
 * `__proto__` as a plain own property (also from escaped spellings such as
 * "\u005f_proto__"), and any later `Object.assign` or merge in user code would
 * turn it into a prototype swap.
 * Iterative on purpose: parsed JSON may be nested far deeper than the JS stack.
 *
 * @returns why `params` is refused, or undefined when it is fine.
 */
export function inspectParams(params: object, maxDepth: number): 'depth' | 'nonFinite' | undefined {
  const stack: Array<[object, number]> = [[params, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > maxDepth) return 'depth';
    if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
        else if (typeof item === 'number' && !Number.isFinite(item)) return 'nonFinite';
      }
      continue;
    }
    if (Object.hasOwn(value, '__proto__')) delete (value as Record<string, unknown>)['__proto__'];
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
      else if (typeof item === 'number' && !Number.isFinite(item)) return 'nonFinite';
    }
  }
  return undefined;
}
