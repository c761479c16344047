import { Module } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { JsonRpcModule } from '../../lib/index.js';
import { MiscRpc } from '../fixtures/features.rpc.js';
import { SpecExamplesRpc } from '../fixtures/spec-examples.rpc.js';
import { postRaw } from '../support/http-client.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { TestWsClient } from '../support/ws-client.js';

// An app that has a tracer: registered before Nest starts, as OpenTelemetry requires.
const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));

@Module({ imports: [JsonRpcModule.forRoot()], providers: [SpecExamplesRpc, MiscRpc] })
class TracedModule {}

let server: TestServer;
beforeAll(async () => {
  server = await startApp(TracedModule);
});
afterAll(() => server.close());
beforeEach(() => exporter.reset());

describe('OpenTelemetry spans', () => {
  it('one SERVER span per call, with the JSON-RPC attributes and the error code', async () => {
    const ws = await TestWsClient.connect(server.wsUrl);
    await ws.request({ jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 7 });
    await ws.request({ jsonrpc: '2.0', method: 'misc.notFound', id: 8 });
    await ws.close();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['sum', 'misc.notFound']);
    expect(spans[0]!.attributes).toMatchObject({ 'rpc.system': 'jsonrpc', 'rpc.method': 'sum', 'rpc.jsonrpc.request_id': 7, 'network.transport': 'ws' });
    expect(spans[1]!.attributes).toMatchObject({ 'rpc.jsonrpc.error_code': -32004 });
    expect(spans[1]!.status.code).toBe(2); // ERROR
  });

  it('a batch is a parent span of its items', async () => {
    await postRaw(server.httpUrl, JSON.stringify([1, 2].map((id) => ({ jsonrpc: '2.0', method: 'sum', params: [id], id }))));
    const spans = exporter.getFinishedSpans();
    const batch = spans.find((s) => s.name === 'jsonrpc.batch')!;
    expect(batch.attributes).toMatchObject({ 'rpc.jsonrpc.batch_size': 2 });
    const items = spans.filter((s) => s.name === 'sum');
    expect(items).toHaveLength(2);
    for (const item of items) expect(item.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);
  });
});
