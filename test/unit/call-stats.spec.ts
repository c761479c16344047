import { CallStats } from '../../lib/metrics/call-stats.js';
import type { ResolvedJsonRpcOptions } from '../../lib/interfaces/json-rpc-module-options.interface.js';

const stats = () => new CallStats({ slowCallMs: 100 } as ResolvedJsonRpcOptions);

describe('CallStats (behind JsonRpcServer.inspect())', () => {
  it('stays bounded: past 256 method/code rows every new pair counts in one "(other)" row', () => {
    const calls = stats();
    // Codes are the one unbounded label (a JsonRpcException may use any): 1000 distinct ones.
    for (let code = 1; code <= 1000; code++) calls.record('m', 'ws', -code, 0.001);
    const rows = calls.rates();
    expect(rows.length).toBeLessThanOrEqual(257);
    expect(rows.reduce((sum, row) => sum + row.total, 0)).toBe(1000);
    expect(rows.filter((row) => row.method === '(other)')).toEqual([{ method: '(other)', code: null, total: 1000 - 256, perSecond: expect.any(Number) }]);
  });

  it('keeps the last 20 slow calls, newest last', () => {
    const calls = stats();
    for (let i = 0; i < 30; i++) calls.record(`m${i}`, 'http', 0, 0.2);
    calls.record('fast', 'http', 0, 0.01);
    const slow = calls.slowCalls();
    expect(slow).toHaveLength(20);
    expect(slow[0]!.method).toBe('m10');
    expect(slow.at(-1)).toMatchObject({ method: 'm29', ms: 200, transport: 'http', code: 0 });
  });
});
