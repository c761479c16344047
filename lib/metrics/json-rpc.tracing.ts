import { Injectable, type OnModuleInit } from '@nestjs/common';

interface Span {
  setAttribute(key: string, value: string | number): void;
  setStatus(status: { code: number; message?: string }): void;
  end(): void;
}
interface Tracer {
  startActiveSpan<T>(name: string, options: { kind: number; attributes: Record<string, string | number> }, fn: (span: Span) => T): T;
}
interface OtelApi {
  trace: { getTracer(name: string): Tracer; getTracerProvider(): { getDelegate?(): { constructor: { name: string } } } };
  SpanKind: { SERVER: number; INTERNAL: number };
  SpanStatusCode: { ERROR: number };
}

/**
 * OpenTelemetry spans per call and per batch, through `@opentelemetry/api`,
 * only when the app has it and has registered a tracer provider (an SDK,
 * started before Nest as OTel requires). Otherwise nothing is created per call.
 * Spans follow the JSON-RPC semantic conventions (`rpc.system = jsonrpc`).
 */
@Injectable()
export class JsonRpcTracing implements OnModuleInit {
  private api: OtelApi | undefined;
  private tracer: Tracer | undefined;

  async onModuleInit(): Promise<void> {
    let api: OtelApi;
    try {
      api = (await import('@opentelemetry/api')) as unknown as OtelApi;
    } catch {
      return; // not installed: no tracing
    }
    const delegate = api.trace.getTracerProvider().getDelegate?.();
    if (delegate === undefined || delegate.constructor.name === 'NoopTracerProvider') return;
    this.api = api;
    this.tracer = api.trace.getTracer('nestjs-json-rpc');
  }

  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /** Runs one call inside a SERVER span; `errorCode` tells how it ended (undefined = success). */
  call<T>(method: string, id: string | number | null, transport: string, run: () => Promise<T>, errorCode: (result: T) => number | undefined): Promise<T> {
    const api = this.api!;
    const attributes: Record<string, string | number> = { 'rpc.system': 'jsonrpc', 'rpc.method': method, 'rpc.jsonrpc.version': '2.0', 'network.transport': transport };
    if (id !== null) attributes['rpc.jsonrpc.request_id'] = id;
    return this.tracer!.startActiveSpan(method, { kind: api.SpanKind.SERVER, attributes }, async (span) => {
      try {
        const result = await run();
        const code = errorCode(result);
        if (code !== undefined) {
          span.setAttribute('rpc.jsonrpc.error_code', code);
          span.setStatus({ code: api.SpanStatusCode.ERROR });
        }
        return result;
      } finally {
        span.end();
      }
    });
  }

  /** The parent span of a batch's items. */
  batch<T>(size: number, run: () => Promise<T>): Promise<T> {
    return this.tracer!.startActiveSpan('jsonrpc.batch', { kind: this.api!.SpanKind.SERVER, attributes: { 'rpc.system': 'jsonrpc', 'rpc.jsonrpc.batch_size': size } }, async (span) => {
      try {
        return await run();
      } finally {
        span.end();
      }
    });
  }
}
