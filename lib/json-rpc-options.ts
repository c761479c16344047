import { MemoryPubSub } from './push/pubsub/memory-pubsub.js';
import type { JsonRpcLimits } from './interfaces/json-rpc-limits.interface.js';
import type { JsonRpcModuleOptions, ResolvedJsonRpcOptions } from './interfaces/json-rpc-module-options.interface.js';

/** Secure defaults for a public endpoint (go-ethereum, jsonrpsee, OWASP); README "Limits". */
export const DEFAULT_LIMITS: Readonly<JsonRpcLimits> = Object.freeze({
  maxMessageBytes: 1024 * 1024,
  maxBatchSize: 100,
  maxMethodNameLength: 256,
  maxParamsDepth: 32,
  maxSubscriptionsPerConnection: 100,
  maxResponseBytes: 5 * 1024 * 1024,
  maxInFlightPerConnection: 32,
  maxConnections: 10_000,
  maxConnectionsPerPrincipal: 20,
  ratePerSecond: 100,
  rateBurst: 500,
  handlerTimeoutMs: 30_000,
  httpBodyTimeoutMs: 10_000,
  slowConsumerBytes: 1024 * 1024,
  slowConsumerMs: 10_000,
  maxBufferedBytes: 16 * 1024 * 1024,
});

export const DEFAULT_PATH = '/rpc';

function normalizePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 && withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`JsonRpcModule: limits.${name} must be a positive integer, got ${value}`);
  return value;
}

function resolveHeartbeat(heartbeat: JsonRpcModuleOptions['heartbeat']): ResolvedJsonRpcOptions['heartbeat'] {
  if (heartbeat === false) return false;
  const resolved = { intervalMs: 30_000, timeoutMs: 10_000, ...heartbeat };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`JsonRpcModule: heartbeat.${name} must be a positive integer, got ${value}`);
  }
  return resolved;
}

/** The single place where defaults are merged and options checked. */
export function resolveOptions(options: JsonRpcModuleOptions = {}): ResolvedJsonRpcOptions {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  for (const [name, value] of Object.entries(limits)) positiveInteger(name, value);
  for (const floor of ['slowConsumerBytes', 'maxResponseBytes'] as const) {
    if (limits.maxBufferedBytes < limits[floor]) {
      throw new Error(`JsonRpcModule: limits.maxBufferedBytes (${limits.maxBufferedBytes}) must be at least limits.${floor} (${limits[floor]})`);
    }
  }
  return {
    path: normalizePath(options.path ?? DEFAULT_PATH),
    http: options.http ?? true,
    ws: options.ws ?? true,
    limits,
    exposeErrorDetails: options.exposeErrorDetails ?? false,
    pubsub: options.pubsub ?? new MemoryPubSub(),
    authenticate: options.authenticate,
    allowedOrigins: options.allowedOrigins ? new Set(options.allowedOrigins) : undefined,
    heartbeat: resolveHeartbeat(options.heartbeat),
    acceptThenClose: options.acceptThenClose ?? false,
    drainMs: options.drainMs ?? 20_000,
    slowCallMs: options.slowCallMs ?? 1000,
    metrics: options.metrics === true ? {} : options.metrics || undefined,
    discovery: options.discovery === false ? false : options.discovery === true || options.discovery === undefined ? {} : options.discovery,
  };
}
