import type { Type } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { RpcParamtype } from '../enums/rpc-paramtype.enum.js';
import type { RegisteredMethodSource } from '../json-rpc-method.registry.js';
import { RPC_ARGS_METADATA } from '../json-rpc.constants.js';
import type { ClassSchemas } from './class-schemas.adapter.js';
import type { JsonSchema, OpenRpcContentDescriptor, OpenRpcMethod } from './openrpc.types.js';
import { isStandardSchema, standardJsonSchema } from './standard-schema.adapter.js';

interface ArgEntry {
  index: number;
  data?: unknown;
  schema?: StandardSchemaV1;
}

export interface SchemaSources {
  readonly classes: ClassSchemas;
  readonly onSchemaFailure: (error: unknown) => void;
}

/** A class, a Standard Schema or a design type (String, Number...) as JSON Schema; `{}` when unknown. */
export function schemaOf(type: unknown, sources: SchemaSources): JsonSchema {
  if (isStandardSchema(type)) return standardJsonSchema(type, sources.onSchemaFailure);
  if (type === String) return { type: 'string' };
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  if (type === Array) return { type: 'array' };
  if (typeof type === 'function' && type !== Object) return sources.classes.refTo(type as Type) ?? {};
  return {};
}

/**
 * `paramStructure` and `params` of a method, from how its handler takes them
 * (README "By-position and by-name params"):
 * - `@RpcParams()` whole: by-name, its DTO's (or schema's) properties; with `paramNames`, either;
 * - `@RpcParams('key')`: by-name, one param per key; `@RpcParams(0)`: by-position;
 * - undecorated arguments: by-position (by-name too with `paramNames`);
 * - no parameters at all: either, params unknown.
 */
export function describeParams(source: RegisteredMethodSource, sources: SchemaSources): Pick<OpenRpcMethod, 'paramStructure' | 'params'> {
  const { hostClass, methodKey, meta } = source;
  const args = Object.entries((Reflect.getMetadata(RPC_ARGS_METADATA, hostClass, methodKey) ?? {}) as Record<string, ArgEntry>);
  const types = (Reflect.getMetadata('design:paramtypes', hostClass.prototype, methodKey) ?? []) as unknown[];
  const named = meta.paramNames !== undefined;
  const ofType = (type: RpcParamtype) => args.filter(([key]) => key.startsWith(`${type}:`)).map(([, entry]) => entry);
  const params = ofType(RpcParamtype.PARAMS);
  const whole = params.find((entry) => entry.data === undefined);
  if (whole) {
    const schema = whole.schema ? standardJsonSchema(whole.schema, sources.onSchemaFailure) : objectSchemaOf(types[whole.index], sources);
    return { paramStructure: named ? 'either' : 'by-name', params: order(propertiesOf(schema), meta.paramNames) };
  }
  if (params.length > 0) {
    const byPosition = params.every((entry) => typeof entry.data === 'number');
    const descriptors = [...params]
      .sort((a, b) => (byPosition ? (a.data as number) - (b.data as number) : 0))
      .map((entry) => ({
        name: byPosition ? (meta.paramNames?.[entry.data as number] ?? `param${String(entry.data)}`) : String(entry.data),
        schema: schemaOf(entry.schema ?? types[entry.index], sources),
        required: true,
      }));
    return { paramStructure: byPosition ? 'by-position' : named ? 'either' : 'by-name', params: descriptors };
  }
  const positional = ofType(RpcParamtype.POSITIONAL).sort((a, b) => (a.data as number) - (b.data as number));
  if (positional.length === 0 && args.length === 0) return { paramStructure: 'either', params: [] };
  return {
    paramStructure: named ? 'either' : 'by-position',
    params: positional.map((entry) => ({
      name: meta.paramNames?.[entry.data as number] ?? `arg${String(entry.data)}`,
      schema: schemaOf(types[entry.index], sources),
      required: true,
    })),
  };
}

/** A DTO's own schema (its properties are the by-name params), else what its type says. */
function objectSchemaOf(type: unknown, sources: SchemaSources): JsonSchema {
  return (typeof type === 'function' && sources.classes.of(type as Type)) || schemaOf(type, sources);
}

/** An object schema's properties as content descriptors; anything else is one param named `params`. */
function propertiesOf(schema: JsonSchema): OpenRpcContentDescriptor[] {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (schema.type !== 'object' && properties === undefined) {
    return Object.keys(schema).length === 0 ? [] : [{ name: 'params', schema, required: true }];
  }
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties ?? {}).map(([name, property]) => ({ name, schema: property, required: required.has(name) }));
}

/** `paramNames` order first (the by-position order), then the rest; OpenRPC wants required params before optional ones. */
function order(descriptors: OpenRpcContentDescriptor[], paramNames: readonly string[] | undefined): OpenRpcContentDescriptor[] {
  const rank = (name: string) => {
    const at = paramNames?.indexOf(name) ?? -1;
    return at === -1 ? Number.MAX_SAFE_INTEGER : at;
  };
  return [...descriptors].sort((a, b) => rank(a.name) - rank(b.name) || Number(b.required === true) - Number(a.required === true));
}
