import { JsonRpcServer, type JsonRpcInspection } from '../../lib/index.js';
import { InspectModule } from '../fixtures/inspect.rpc.js';
import { postRaw } from '../support/http-client.js';
import { eventually } from '../support/eventually.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { TestWsClient } from '../support/ws-client.js';

let server: TestServer;
let nextId = 1;

beforeEach(async () => {
  server = await startApp(InspectModule);
});
afterEach(() => server.close());

const rpcServer = () => server.app.get(JsonRpcServer);
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function http(method: string, token = 'carol'): Promise<Record<string, unknown>> {
  return (await postRaw(server.httpUrl, JSON.stringify({ jsonrpc: '2.0', method, id: nextId++ }), { authorization: `Bearer ${token}` })).json as Record<string, unknown>;
}

async function snapshot(): Promise<JsonRpcInspection> {
  return (await http('i.snapshot'))['result'] as JsonRpcInspection;
}

describe('JsonRpcServer.inspect()', () => {
  it('lists open connections with principal, age and topics, and topics with their member counts', async () => {
    const ann = await TestWsClient.connect(server.wsUrl, bearer('ann'));
    const ben = await TestWsClient.connect(server.wsUrl, bearer('ben'));
    const ben2 = await TestWsClient.connect(server.wsUrl, bearer('ben'));
    // A call on each socket: its onRpcConnect (the join) has run by then.
    for (const client of [ann, ben, ben2]) await client.request({ jsonrpc: '2.0', method: 'i.ok', id: 'p' });
    const seen = await snapshot();
    expect(seen.connections.map((c) => c.principal).sort()).toEqual(['ann', 'ben', 'ben']);
    for (const c of seen.connections) {
      expect(c).toEqual({ id: expect.any(String), principal: c.principal, openedAt: expect.any(String), ageMs: expect.any(Number), topics: [`user:${c.principal}`], remoteAddress: '127.0.0.1' });
      expect(Date.parse(c.openedAt)).toBeLessThanOrEqual(Date.now());
      expect(c.ageMs).toBeGreaterThanOrEqual(0);
    }
    expect(seen.topics.sort((a, b) => a.topic.localeCompare(b.topic))).toEqual([
      { topic: 'user:ann', members: 1 },
      { topic: 'user:ben', members: 2 },
    ]);

    await ben2.close();
    // The server drops the socket once it sees the close: wait for that, bounded.
    await eventually(() => rpcServer().connections().length === 2);
    const after = await snapshot();
    expect(after.connections.map((c) => c.principal).sort()).toEqual(['ann', 'ben']);
    expect(after.topics.find((t) => t.topic === 'user:ben')).toEqual({ topic: 'user:ben', members: 1 });
    await Promise.all([ann.close(), ben.close()]);
    await eventually(() => rpcServer().connections().length === 0);
    // A snapshot is JSON-safe as it is (it was just sent as a result) and empty again once all left.
    expect(await snapshot()).toMatchObject({ connections: [], topics: [] });
  });

  it('counts calls by method and result code on both transports, unknown names under one label, and keeps the slow ones', async () => {
    const ws = await TestWsClient.connect(server.wsUrl, bearer('ann'));
    for (let i = 0; i < 3; i++) await ws.request({ jsonrpc: '2.0', method: 'i.ok', id: i });
    await http('i.ok');
    await http('no.such.method');
    await http('another.unknown');
    await http('i.slow');
    const { calls, slowCalls } = await snapshot();
    const row = (method: string, code: number) => calls.find((c) => c.method === method && c.code === code);
    expect(row('i.ok', 0)).toMatchObject({ total: 4 });
    expect(row('i.slow', 0)).toMatchObject({ total: 1 });
    // Names a client makes up never become rows of their own: cardinality stays bounded.
    expect(calls.filter((c) => c.code === -32601)).toEqual([{ method: '(unknown)', code: -32601, total: 2, perSecond: expect.any(Number) }]);
    expect(calls.every((c) => c.perSecond >= 0 && c.perSecond <= c.total)).toBe(true);
    expect(slowCalls).toEqual([{ method: 'i.slow', transport: 'http', code: 0, ms: expect.any(Number), at: expect.any(String) }]);
    expect(slowCalls[0]!.ms).toBeGreaterThan(10);
    // The server went on serving throughout.
    expect(await ws.request({ jsonrpc: '2.0', method: 'i.ok', id: 'last' })).toMatchObject({ result: 'ok' });
    await ws.close();
  });
});
