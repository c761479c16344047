import { parseMessage, processMessage, type RpcCall, type JsonRpcResponse, JsonRpcErrorCode } from '../../lib/protocol/index.js';
import { DEFAULT_LIMITS } from '../../lib/json-rpc-options.js';
import { SPEC_EXAMPLES } from '../fixtures/spec-examples.js';

/** A tiny method table standing in for the dispatcher: the protocol core is pure. */
const methods: Record<string, (params: unknown) => unknown> = {
  subtract: (p) => (Array.isArray(p) ? p[0] - p[1] : (p as { minuend: number; subtrahend: number }).minuend - (p as { subtrahend: number }).subtrahend),
  sum: (p) => (p as number[]).reduce((a, b) => a + b, 0),
  update: () => undefined,
  notify_hello: () => undefined,
  get_data: () => ['hello', 5],
  echo: (p) => p,
};

function execute(call: RpcCall): JsonRpcResponse {
  const fn = Object.hasOwn(methods, call.method) ? methods[call.method] : undefined;
  if (!fn) return { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: call.id };
  return { jsonrpc: '2.0', result: fn(call.params) ?? null, id: call.id };
}

async function rpc(text: string): Promise<unknown> {
  const out = await processMessage(parseMessage(text, DEFAULT_LIMITS), execute);
  return out === undefined ? undefined : JSON.parse(out);
}

const invalidRequest = (id: unknown = null) => ({ jsonrpc: '2.0', error: expect.objectContaining({ code: -32600, message: 'Invalid Request' }), id });

describe('JSON-RPC 2.0 specification, section 7 examples', () => {
  it.each(SPEC_EXAMPLES)('$name', async ({ request, response }) => {
    expect(await rpc(request)).toEqual(response);
  });
});

describe('protocol edge cases', () => {
  it('id null is a request, not a notification', async () => {
    expect(await rpc('{"jsonrpc":"2.0","method":"get_data","id":null}')).toEqual({ jsonrpc: '2.0', result: ['hello', 5], id: null });
  });

  it('id 0 is a request', async () => {
    expect(await rpc('{"jsonrpc":"2.0","method":"get_data","id":0}')).toEqual({ jsonrpc: '2.0', result: ['hello', 5], id: 0 });
  });

  it('a fractional id is echoed as sent', async () => {
    expect(await rpc('{"jsonrpc":"2.0","method":"get_data","id":1.5}')).toMatchObject({ id: 1.5 });
  });

  it.each(['{}', '[]', 'true', 'false'])('id %s is an Invalid Request', async (id) => {
    expect(await rpc(`{"jsonrpc":"2.0","method":"get_data","id":${id}}`)).toEqual(invalidRequest());
  });

  it.each(['"x"', '5', 'true', 'null'])('params %s is an Invalid Request (the id is echoed)', async (params) => {
    expect(await rpc(`{"jsonrpc":"2.0","method":"echo","params":${params},"id":7}`)).toEqual(invalidRequest(7));
  });

  it.each(['"2"', '2', '"2.0 "', '"1.0"', 'null'])('jsonrpc %s is an Invalid Request', async (version) => {
    expect(await rpc(`{"jsonrpc":${version},"method":"get_data","id":1}`)).toEqual(invalidRequest(1));
  });

  it('a missing jsonrpc member is an Invalid Request', async () => {
    expect(await rpc('{"method":"get_data","id":1}')).toEqual(invalidRequest(1));
  });

  it('a one-item batch answers an array of one', async () => {
    expect(await rpc('[{"jsonrpc":"2.0","method":"get_data","id":1}]')).toEqual([{ jsonrpc: '2.0', result: ['hello', 5], id: 1 }]);
  });

  it('an invalid item without id is still answered inside a batch', async () => {
    expect(await rpc('[{"jsonrpc":"2.0","method":5},{"jsonrpc":"2.0","method":"update"}]')).toEqual([invalidRequest()]);
  });

  it('a batch over maxBatchSize is one -32600 and nothing runs', async () => {
    const calls: string[] = [];
    const items = Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', method: 'echo', id: i }));
    const out = await processMessage(parseMessage(JSON.stringify(items), DEFAULT_LIMITS), (call) => {
      calls.push(call.method);
      return execute(call);
    });
    expect(JSON.parse(out!)).toEqual(invalidRequest());
    expect(calls).toHaveLength(0);
  });

  it('a method name over the limit is an Invalid Request', async () => {
    expect(await rpc(JSON.stringify({ jsonrpc: '2.0', method: 'x'.repeat(257), id: 1 }))).toEqual(invalidRequest(1));
  });

  it('params nested deeper than the limit are Invalid params', async () => {
    const deep = '['.repeat(40) + ']'.repeat(40);
    expect(await rpc(`{"jsonrpc":"2.0","method":"echo","params":${deep},"id":1}`)).toMatchObject({ error: { code: JsonRpcErrorCode.InvalidParams }, id: 1 });
  });

  it('__proto__ keys are removed from params, escaped spellings too', async () => {
    const out = (await rpc('{"jsonrpc":"2.0","method":"echo","params":{"a":{"__proto__":{"x":1}},"\\u005f_proto__":{"y":1}},"id":1}')) as { result: object };
    expect(out.result).toEqual({ a: {} });
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('a result JSON cannot represent becomes an Internal error for that item only', async () => {
    const out = await processMessage(parseMessage('[{"jsonrpc":"2.0","method":"a","id":1},{"jsonrpc":"2.0","method":"b","id":2}]', DEFAULT_LIMITS), (call) =>
      call.method === 'a' ? { jsonrpc: '2.0', result: 10n, id: call.id } : { jsonrpc: '2.0', result: 'ok', id: call.id },
    );
    expect(JSON.parse(out!)).toEqual([
      { jsonrpc: '2.0', error: expect.objectContaining({ code: -32603 }), id: 1 },
      { jsonrpc: '2.0', result: 'ok', id: 2 },
    ]);
  });
});
