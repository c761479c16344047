import type { Type } from '@nestjs/common';
import type { JsonSchema } from './openrpc.types.js';

const REF_PREFIX = '#/components/schemas/';
/** class-transformer's `@Type()` metadata (untyped deep path: a variable keeps tsc from resolving it). */
const TRANSFORMER_STORAGE = 'class-transformer/cjs/storage.js';

type ToSchemas = (options: { refPointerPrefix: string; classTransformerMetadataStorage?: unknown }) => Record<string, JsonSchema>;

/**
 * class-validator DTOs -> JSON Schema, through class-validator-jsonschema (an
 * optional peer: without it, DTO-typed params are documented as any value).
 * Adapts its output to OpenRPC: refs under `#/components/schemas`, nested
 * `@Type()` DTOs through class-transformer's metadata, OpenAPI's `nullable`
 * turned into JSON Schema, and only the schemas the document refers to.
 */
export class ClassSchemas {
  private constructor(private readonly all: Record<string, JsonSchema>) {}

  /** Loads the converter (once per document build); `undefined` entries when it is not installed. */
  static async load(onMissing: () => void): Promise<ClassSchemas> {
    try {
      const converter = cjsExports<{ validationMetadatasToSchemas: ToSchemas }>(await import('class-validator-jsonschema'));
      const storage = await (import(TRANSFORMER_STORAGE) as Promise<object>).then(
        (module) => cjsExports<{ defaultMetadataStorage?: { findExcludeMetadata?: unknown } }>(module).defaultMetadataStorage,
        () => undefined,
      );
      const schemas = converter.validationMetadatasToSchemas({ refPointerPrefix: REF_PREFIX, classTransformerMetadataStorage: storage });
      for (const schema of Object.values(schemas)) fixNullable(schema);
      return new ClassSchemas(schemas);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
      onMissing();
      return new ClassSchemas({});
    }
  }

  /** The DTO's own schema (its properties, required list), if class-validator knows it. */
  of(dto: Type): JsonSchema | undefined {
    return this.all[dto.name];
  }

  /** `$ref` to the DTO's schema, or undefined if it has none. */
  refTo(dto: Type): JsonSchema | undefined {
    return this.all[dto.name] ? { $ref: `${REF_PREFIX}${dto.name}` } : undefined;
  }

  /** The schemas the given ones refer to, transitively: what `components.schemas` needs. */
  referencedBy(roots: unknown[]): Record<string, JsonSchema> {
    const used: Record<string, JsonSchema> = {};
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (typeof node !== 'object' || node === null) return;
      const ref = (node as { $ref?: unknown }).$ref;
      if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) {
        const name = ref.slice(REF_PREFIX.length);
        if (!(name in used) && this.all[name]) {
          used[name] = this.all[name]!;
          visit(this.all[name]);
        }
      }
      Object.values(node).forEach(visit);
    };
    visit(roots);
    return used;
  }
}

/** A CommonJS module's exports, whether the loader gave them as named exports or only as `default`. */
function cjsExports<T>(namespace: object): T {
  const fallback = (namespace as { default?: T }).default;
  return (fallback !== undefined && typeof fallback === 'object' ? { ...fallback, ...namespace } : namespace) as T;
}

/** OpenAPI 3.0's `nullable: true` is not JSON Schema: `{ anyOf: [it, { type: 'null' }] }` instead. */
function fixNullable(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    fixNullable(value);
    if (typeof value === 'object' && value !== null && (value as { nullable?: unknown }).nullable === true) {
      const { nullable: _nullable, ...rest } = value as JsonSchema;
      (node as Record<string, unknown>)[key] = { anyOf: [rest, { type: 'null' }] };
    }
  }
}
