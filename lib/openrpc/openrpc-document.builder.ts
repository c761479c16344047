import type { JsonRpcDiscoveredMethod, JsonRpcDiscoveryOptions } from '../interfaces/json-rpc-discovery-options.interface.js';
import type { JsonRpcLimits } from '../interfaces/json-rpc-limits.interface.js';
import type { RegisteredMethod, RegisteredMethodSource } from '../json-rpc-method.registry.js';
import { describeParams, schemaOf, type SchemaSources } from './method-params.describer.js';
import type { OpenRpcDocument, OpenRpcMethod } from './openrpc.types.js';

/** The limits a client sizes its calls by, as `x-limits` (connection counts stay private). */
const CLIENT_LIMITS = [
  'maxMessageBytes',
  'maxBatchSize',
  'maxMethodNameLength',
  'maxParamsDepth',
  'maxResponseBytes',
  'maxSubscriptionsPerConnection',
  'maxInFlightPerConnection',
  'ratePerSecond',
  'rateBurst',
  'handlerTimeoutMs',
] as const satisfies readonly (keyof JsonRpcLimits)[];

export interface BuiltDocument {
  readonly document: OpenRpcDocument;
  /** The same methods, in the same order, as the filter sees them. */
  readonly described: JsonRpcDiscoveredMethod[];
}

/** The whole document, from the registry: called once, at bootstrap. */
export function buildOpenRpcDocument(methods: RegisteredMethod[], options: JsonRpcDiscoveryOptions, limits: JsonRpcLimits, sources: SchemaSources): BuiltDocument {
  const withSource = methods.filter((method): method is RegisteredMethod & { source: RegisteredMethodSource } => method.source !== undefined);
  const openRpcMethods = withSource.map((method) => describeMethod(method, method.source, sources));
  const tagDescriptions = new Map<string, string>();
  for (const { source } of withSource) {
    if (source.service?.namespace && source.service.description) tagDescriptions.set(source.service.namespace, source.service.description);
  }
  for (const method of openRpcMethods) {
    for (const tag of method.tags ?? []) if (tagDescriptions.has(tag.name)) tag.description = tagDescriptions.get(tag.name);
  }
  const document: OpenRpcDocument = {
    openrpc: '1.3.2',
    info: { title: options.title ?? 'JSON-RPC API', version: options.version ?? '0.0.0', ...(options.description && { description: options.description }) },
    methods: openRpcMethods,
    components: { schemas: sources.classes.referencedBy(openRpcMethods) },
    'x-limits': Object.fromEntries(CLIENT_LIMITS.map((name) => [name, limits[name]])),
  };
  const described = withSource.map(({ name, kind, source }) => ({
    name,
    kind,
    tags: tagsOf(source),
    handler: (source.hostClass.prototype as Record<string, JsonRpcDiscoveredMethod['handler']>)[source.methodKey]!,
    hostClass: source.hostClass,
  }));
  return { document, described };
}

function tagsOf(source: RegisteredMethodSource): string[] {
  const { service, meta } = source;
  return [...new Set([...(service?.namespace ? [service.namespace] : []), ...(service?.tags ?? []), ...(meta.tags ?? [])])];
}

function describeMethod(method: RegisteredMethod, source: RegisteredMethodSource, sources: SchemaSources): OpenRpcMethod {
  const { meta } = source;
  const value = schemaOf(meta.result, sources);
  const tags = tagsOf(source);
  return {
    name: method.name,
    ...(meta.summary && { summary: meta.summary }),
    ...(meta.description && { description: meta.description }),
    ...(tags.length > 0 && { tags: tags.map((name) => ({ name })) }),
    ...describeParams(source, sources),
    result:
      method.kind === 'subscription'
        ? { name: 'subscription', description: 'The subscription id (rpc.unsubscribe takes it)', schema: { type: 'string' } }
        : { name: 'result', schema: value },
    ...(meta.errors && meta.errors.length > 0 && { errors: meta.errors.map((error) => ({ ...error })) }),
    ...(meta.deprecated && { deprecated: true }),
    ...(method.kind === 'subscription' && { 'x-subscription': { notification: method.name, value } }),
  };
}
