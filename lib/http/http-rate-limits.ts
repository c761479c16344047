import type { JsonRpcPrincipal } from '../interfaces/json-rpc-module-options.interface.js';
import { TokenBucket } from '../limits/token-bucket.js';

interface Entry {
  bucket: TokenBucket;
  lastUsed: number;
}

/**
 * HTTP rate limits per principal (with `authenticate`), else per client
 * address: never per keep-alive socket, which a pooling proxy shares between
 * users and a client can renew at will. A bucket idle for as long as it takes
 * to refill is full again, so forgetting it changes nothing: that keeps the map
 * as small as the set of recent callers.
 */
export class HttpRateLimits {
  private readonly entries = new Map<string, Entry>();
  private readonly refillMs: number;
  private lastSweep = Date.now();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.refillMs = Math.ceil((burst / rate) * 1000);
  }

  bucketFor(principal: JsonRpcPrincipal | undefined, address: string | undefined): TokenBucket {
    const now = Date.now();
    if (now - this.lastSweep > this.refillMs) this.sweep(now);
    const key = principal ? `principal:${typeof principal.id}:${principal.id}` : `address:${address ?? '?'}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.rate, this.burst), lastUsed: now };
      this.entries.set(key, entry);
    }
    entry.lastUsed = now;
    return entry.bucket;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, entry] of this.entries) if (now - entry.lastUsed > this.refillMs) this.entries.delete(key);
  }
}
