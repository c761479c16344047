import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';
import { CallStats } from './call-stats.js';

interface Counter { inc(labels?: Record<string, string | number>, value?: number): void }
interface Gauge { inc(value?: number): void; dec(value?: number): void }
interface Histogram { observe(labels: Record<string, string | number>, value: number): void }
interface PromRegistry {
  getSingleMetric(name: string): unknown;
}
interface PromClient {
  register: PromRegistry;
  Counter: new (config: object) => Counter;
  Gauge: new (config: object) => Gauge;
  Histogram: new (config: object) => Histogram;
}

/**
 * Prometheus metrics through prom-client, when the `metrics` option is set.
 * prom-client is loaded only then, so apps without it pay nothing. Method
 * labels come from the registry (unknown names are "(unknown)"), so a client
 * cannot blow up label cardinality.
 */
@Injectable()
export class JsonRpcMetrics implements OnModuleInit {
  private calls: Counter | undefined;
  private duration: Histogram | undefined;
  private connections: Gauge | undefined;
  private inFlight: Gauge | undefined;
  private dropped: Counter | undefined;

  constructor(
    @Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions,
    private readonly stats: CallStats,
  ) {}

  async onModuleInit(): Promise<void> {
    const config = this.options.metrics;
    if (!config) return;
    let prom: PromClient;
    try {
      prom = (await import('prom-client')) as unknown as PromClient;
    } catch {
      throw new Error('JsonRpcModule: the `metrics` option needs prom-client (npm install prom-client)');
    }
    const prefix = config.prefix ?? 'jsonrpc_';
    const registry = (config.registry ?? prom.register) as PromRegistry;
    const registers = [registry];
    // Reused when already registered (a second app in the same process, hot reload).
    const metric = <T>(Kind: new (config: object) => T, config: { name: string } & Record<string, unknown>): T =>
      (registry.getSingleMetric(config.name) as T | undefined) ?? new Kind({ ...config, registers });
    this.calls = metric(prom.Counter, { name: `${prefix}calls_total`, help: 'JSON-RPC calls by method, transport and result code (0 = success)', labelNames: ['method', 'transport', 'code'] });
    this.duration = metric(prom.Histogram, { name: `${prefix}call_duration_seconds`, help: 'JSON-RPC call duration', labelNames: ['method', 'transport'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30] });
    this.connections = metric(prom.Gauge, { name: `${prefix}open_connections`, help: 'Open WebSocket connections' });
    this.inFlight = metric(prom.Gauge, { name: `${prefix}in_flight_calls`, help: 'Calls running now' });
    this.dropped = metric(prom.Counter, { name: `${prefix}dropped_total`, help: 'Messages or connections dropped by a limit', labelNames: ['reason'] });
  }

  get enabled(): boolean {
    return this.calls !== undefined;
  }

  callStarted(): void {
    this.inFlight?.inc();
  }

  callEnded(method: string, transport: string, code: number, seconds: number): void {
    this.stats.record(method, transport, code, seconds);
    if (!this.calls) return;
    this.inFlight!.dec();
    this.calls.inc({ method, transport, code });
    this.duration!.observe({ method, transport }, seconds);
  }

  connectionOpened(): void {
    this.connections?.inc();
  }

  connectionClosed(): void {
    this.connections?.dec();
  }

  drop(reason: string): void {
    this.dropped?.inc({ reason });
  }
}
