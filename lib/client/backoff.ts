import type { ReconnectOptions } from './client-options.interface.js';

/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff
 * and Jitter"): attempt n waits a uniform random time in [0, min(max, base * 2^n)].
 * Clients dropped together by a restart spread over the window instead of
 * coming back in waves.
 */
export class Backoff {
  private attempt = 0;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAttempts: number;

  constructor(options: ReconnectOptions = {}, private readonly random: () => number = Math.random) {
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? Infinity;
  }

  get attempts(): number {
    return this.attempt;
  }

  get exhausted(): boolean {
    return this.attempt >= this.maxAttempts;
  }

  /** The wait before the next attempt (and counts it). */
  next(): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.floor(this.random() * ceiling);
  }

  reset(): void {
    this.attempt = 0;
  }
}
