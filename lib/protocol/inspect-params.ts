/**
 * One iterative pass over `params` that (1) enforces a nesting limit and
 * (2) deletes own `__proto__` keys. JSON.parse creates `__proto__` as a plain own
 * property (also from escaped spellings such as "\u005f_proto__"), and any later
 * `Object.assign` or merge in user code would turn it into a prototype swap.
 * Iterative on purpose: parsed JSON may be nested far deeper than the JS stack.
 *
 * @returns false when `params` is nested deeper than `maxDepth`.
 */
export function inspectParams(params: object, maxDepth: number): boolean {
  const stack: Array<[object, number]> = [[params, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > maxDepth) return false;
    if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
      }
      continue;
    }
    if (Object.hasOwn(value, '__proto__')) delete (value as Record<string, unknown>)['__proto__'];
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
    }
  }
  return true;
}
