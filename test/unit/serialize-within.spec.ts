import fc from 'fast-check';
import { serializeResponse, serializeWithin } from '../../lib/protocol/response.js';

const response = (result: unknown) => ({ jsonrpc: '2.0' as const, result, id: 1 });
const utf8 = (text: string) => Buffer.byteLength(text);

describe('serializeWithin: counting while serializing', () => {
  it('gives exactly what JSON.stringify gives whenever it fits, and gives up only when it does not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat({ max: 4000 }), (value, budget) => {
        const full = serializeResponse(response(value));
        const bounded = serializeWithin(response(value), budget);
        if (bounded === undefined) return utf8(full) > budget; // refused: it really was over
        return bounded === full; // never altered; an exact size check follows in the caller
      }),
      { numRuns: 2000 },
    );
  });

  it('stops early on a result far larger as JSON than in memory', () => {
    const items = new Array<string>(10_000).fill('x'.repeat(100_000)); // 1 GB as JSON
    expect(serializeWithin(response({ items }), 1024 * 1024)).toBeUndefined();
  });

  it('keeps the usual answer for results JSON cannot carry', () => {
    expect(JSON.parse(serializeWithin(response({ n: 1n }), 1000)!)).toMatchObject({ error: { code: -32603 } });
  });
});
