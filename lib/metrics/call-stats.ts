import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import type { JsonRpcCallRate, JsonRpcSlowCall } from '../interfaces/json-rpc-inspection.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';

/** Seconds in the rate window: `perSecond` is the mean over the last this many whole seconds. */
const WINDOW_SECONDS = 10;
/**
 * At most this many method/code rows; beyond it every call counts in one
 * "(other)" row (code null). Method names are bounded by the registry already,
 * but a JsonRpcException may carry any code.
 */
const MAX_ROWS = 256;
const SLOW_CALLS_KEPT = 20;
const OTHER = '(other)';

interface Row {
  method: string;
  code: number | null;
  total: number;
  /** Calls per second of the window, indexed by (second % WINDOW_SECONDS). */
  buckets: Uint32Array;
  /** The second each bucket was last written in, so a stale bucket reads as 0. */
  stamps: Float64Array;
}

/**
 * Always-on, bounded call counters for `JsonRpcServer.inspect()`: totals and a
 * 10-second rate by method and result code, and the last slow calls. Cheap
 * enough for every call (one Map lookup), independent of prom-client.
 */
@Injectable()
export class CallStats {
  private readonly rows = new Map<string, Row>();
  private readonly slow: JsonRpcSlowCall[] = [];

  constructor(@Inject(JSON_RPC_RESOLVED_OPTIONS) private readonly options: ResolvedJsonRpcOptions) {}

  record(method: string, transport: string, code: number, seconds: number): void {
    let key = `${code} ${method}`;
    let row = this.rows.get(key);
    if (!row) {
      if (this.rows.size >= MAX_ROWS) {
        key = OTHER;
        row = this.rows.get(key);
      }
      if (!row) {
        row = { method: key === OTHER ? OTHER : method, code: key === OTHER ? null : code, total: 0, buckets: new Uint32Array(WINDOW_SECONDS), stamps: new Float64Array(WINDOW_SECONDS) };
        this.rows.set(key, row);
      }
    }
    const second = Math.floor(Date.now() / 1000);
    const slot = second % WINDOW_SECONDS;
    if (row.stamps[slot] !== second) {
      row.stamps[slot] = second;
      row.buckets[slot] = 0;
    }
    row.buckets[slot]!++;
    row.total++;
    const ms = seconds * 1000;
    if (ms > this.options.slowCallMs) {
      this.slow.push({ method, transport, code, ms: Math.round(ms), at: new Date().toISOString() });
      if (this.slow.length > SLOW_CALLS_KEPT) this.slow.shift();
    }
  }

  /** Rows by method and code, busiest first. */
  rates(): JsonRpcCallRate[] {
    const now = Math.floor(Date.now() / 1000);
    const rates = [...this.rows.values()].map(({ method, code, total, buckets, stamps }) => {
      let recent = 0;
      // The current second is still filling: the window is the WINDOW_SECONDS whole seconds before it.
      for (let i = 0; i < WINDOW_SECONDS; i++) if (stamps[i]! < now && stamps[i]! >= now - WINDOW_SECONDS) recent += buckets[i]!;
      return { method, code, total, perSecond: recent / WINDOW_SECONDS };
    });
    return rates.sort((a, b) => b.total - a.total);
  }

  /** The last calls slower than `slowCallMs`, newest last. */
  slowCalls(): JsonRpcSlowCall[] {
    return [...this.slow];
  }
}
