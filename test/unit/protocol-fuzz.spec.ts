import fc from 'fast-check';
import { DEFAULT_LIMITS } from '../../lib/json-rpc-options.js';
import { parseMessage, processMessage, type RpcCall, type JsonRpcResponse } from '../../lib/protocol/index.js';
import { isAnswer } from '../support/response-shape.js';

/** Echoes params as the result: any value the parser let through must serialize. */
const echo = (call: RpcCall): JsonRpcResponse => ({ jsonrpc: '2.0', result: call.params ?? null, id: call.id });

async function run(text: string): Promise<string | undefined> {
  return processMessage(parseMessage(text, DEFAULT_LIMITS), echo, () => undefined, DEFAULT_LIMITS.maxResponseBytes);
}

/** Request-like objects, valid and broken, so the interesting branches are hit often. */
const requestish = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.jsonValue()),
    method: fc.oneof(fc.constantFrom('a', 'rpc.unsubscribe', '__proto__', 'constructor'), fc.string(), fc.jsonValue()),
    params: fc.oneof(fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
    id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.jsonValue(), fc.double()),
    result: fc.jsonValue(),
    error: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe('protocol core under property-based fuzzing', () => {
  it('any JSON value in: a spec-valid answer or nothing, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), requestish, fc.array(requestish, { maxLength: 5 })), async (value) => {
        const out = await run(JSON.stringify(value));
        if (out !== undefined) expect(isAnswer(JSON.parse(out))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('any text in (mostly not JSON): a spec-valid answer, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('[', '{', '"', '[]', '{}', 'null', '1e999')), async (text) => {
        const out = await run(text);
        if (out !== undefined) expect(isAnswer(JSON.parse(out))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('an answer is produced exactly for the items that are not notifications', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ withId: fc.boolean(), id: fc.integer() }), { minLength: 1, maxLength: 20 }), async (items) => {
        const batch = items.map(({ withId, id }) => (withId ? { jsonrpc: '2.0', method: 'm', id } : { jsonrpc: '2.0', method: 'm' }));
        const out = await run(JSON.stringify(batch));
        const expected = items.filter((i) => i.withId).map((i) => i.id);
        if (expected.length === 0) expect(out).toBeUndefined();
        else expect((JSON.parse(out!) as Array<{ id: number }>).map((r) => r.id)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
