import { Logger } from '@nestjs/common';

const WINDOW_MS = 1000;
const PER_WINDOW = 10;

type Level = 'warn' | 'debug';

/**
 * A Logger that writes at most 10 lines a second per kind: a hostile client
 * must not be able to flood the logs through auth failures, limit hits or
 * connect/close churn. What it holds back is counted and reported with the
 * next line of that kind.
 */
export class ThrottledLogger {
  private readonly logger: Logger;
  private readonly windows = new Map<string, { start: number; count: number; suppressed: number }>();

  constructor(context: string) {
    this.logger = new Logger(context);
  }

  warn(kind: string, message: string): void {
    this.write('warn', kind, message);
  }

  /** `message` may be a function, called only when debug lines are on (a connect line must not cost every socket its address strings). */
  debug(kind: string, message: string | (() => string)): void {
    if (!Logger.isLevelEnabled('debug')) return;
    this.write('debug', kind, typeof message === 'string' ? message : message());
  }

  private write(level: Level, kind: string, message: string): void {
    const now = Date.now();
    let window = this.windows.get(kind);
    if (!window || now - window.start >= WINDOW_MS) {
      const suppressed = window?.suppressed ?? 0;
      window = { start: now, count: 0, suppressed: 0 };
      this.windows.set(kind, window);
      if (suppressed > 0) message += ` (${suppressed} similar lines suppressed)`;
    }
    if (++window.count > PER_WINDOW) {
      window.suppressed++;
      return;
    }
    this.logger[level](message);
  }
}
