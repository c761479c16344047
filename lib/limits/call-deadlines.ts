import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ResolvedJsonRpcOptions } from '../interfaces/json-rpc-module-options.interface.js';
import { JSON_RPC_RESOLVED_OPTIONS } from '../json-rpc.constants.js';

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
   * Settles with `work`, or with `onTimeout()` once the deadline has passed. `work` must not reject.
   * `early.settle`, when given, is set to a function that settles it at once (rpc.cancel).
   */
  race<T>(work: Promise<T>, onTimeout: () => T, early?: { settle: ((value: T) => void) | undefined }): Promise<T> {
    return new Promise<T>((resolve) => {
      const entry: Pending = { deadline: Date.now() + this.timeoutMs, expire: () => resolve(onTimeout()) };
      if (early) {
        early.settle = (value) => {
          this.pending.delete(entry);
          resolve(value);
        };
      }
      this.pending.add(entry);
      this.timer ??= setInterval(() => this.sweep(), this.sweepMs).unref();
      void work.then((value) => {
        this.pending.delete(entry);
        resolve(value); // ignored when the deadline won: a promise settles once
      });
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
