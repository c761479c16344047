import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import type { JsonSchema } from './openrpc.types.js';

/** A Standard Schema (`~standard.validate`), told from a class. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const standard = (value as { '~standard'?: { validate?: unknown } } | null | undefined)?.['~standard'];
  return typeof standard?.validate === 'function';
}

/**
 * The JSON Schema of what a Standard Schema accepts, from the schema's own
 * Standard JSON Schema support (`~standard.jsonSchema`, Zod 4, ArkType,
 * Valibot through its adapter): no converter of ours. `{}` (anything) when the
 * library has none or cannot express this schema; `$schema` is left out (the
 * document says which draft).
 */
export function standardJsonSchema(schema: StandardSchemaV1, onFailure: (error: unknown) => void): JsonSchema {
  const converter = (schema['~standard'] as Partial<StandardJSONSchemaV1['~standard']>).jsonSchema;
  if (typeof converter?.input !== 'function') return {};
  try {
    const { $schema: _draft, ...json } = converter.input({ target: 'draft-07' });
    return json;
  } catch (error) {
    onFailure(error);
    return {};
  }
}
