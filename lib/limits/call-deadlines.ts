import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';

/** How a raced call settles: with its value, its error, or the timeout. Each must not throw. */
export interface Settle<T, R> {
  value(value: T): R;
  error(error: unknown): R;
  timeout(): R;
}

interface Pending {
  deadline: number;
  expire(): void;
}

/**
 * Handler timeouts without a timer per call: calls register a deadline, one
 * interval (running only while calls do) expires the late ones. Precision is a
 * tenth of `handlerTimeoutMs` (5 ms to 1 s), plenty for a 30 s budget, and the
 * hot path pays a Set insert instead of setTimeout + Promise.race.
 */
@Injectable()
export class CallDeadlines implements OnModuleDestroy {
  private readonly pending = new Set<Pending>();
  private readonly timeoutMs: number;
  private readonly sweepMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(JSON_RPC_RESOLVED_OPTIONS) options: ResolvedJsonRpcOptions) {
    this.timeoutMs = options.limits.handlerTimeoutMs;
    this.sweepMs = Math.max(5, Math.min(1000, Math.floor(this.timeoutMs / 10)));
  }

  /**
   * Settles with `settle.value` or `settle.error` of what `work` gives, or with
   * `settle.timeout()` once the deadline has passed; whichever comes first,
   * and only that one runs. A result that arrives after its deadline is late
   * even when the sweep has not run yet (a stalled event loop makes both due
   * in one turn): the deadline decides, not the order of callbacks.
   * `early.settle`, when given, is set to a function that settles at once (rpc.cancel).
   */
  race<T, R>(work: PromiseLike<T>, settle: Settle<T, R>, early?: { settle: ((value: R) => void) | undefined }): Promise<R> {
    return new Promise<R>((resolve) => {
      let done = false;
      const finish = (value: () => R) => {
        if (done) return;
        done = true;
        this.pending.delete(entry);
        try {
          resolve(value());
        } catch (error) {
          resolve(settle.error(error)); // a mapping that throws is the call's failure, never a hang
        }
      };
      const entry: Pending = { deadline: Date.now() + this.timeoutMs, expire: () => finish(settle.timeout) };
      if (early) early.settle = (value) => finish(() => value);
      this.pending.add(entry);
      this.timer ??= setInterval(() => this.sweep(), this.sweepMs).unref();
      work.then(
        (value) => finish(Date.now() >= entry.deadline ? settle.timeout : () => settle.value(value)),
        (error: unknown) => finish(Date.now() >= entry.deadline ? settle.timeout : () => settle.error(error)),
      );
    });
  }

  private sweep(): void {
    const now = Date.now();
    for (const entry of this.pending) {
      if (entry.deadline > now) continue;
      this.pending.delete(entry);
      entry.expire();
    }
    if (this.pending.size === 0) this.stop();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  onModuleDestroy(): void {
    this.stop();
  }
}
